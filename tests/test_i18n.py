"""A Chinese-first CLI from one catalogue (planner/locale/zh.toml): help, click's own errors
and rule summaries in Chinese by default, English by --lang en, PLANNER_LANG or the locale."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.cli.i18n import command_help, option_help
from planner.i18n import catalogue, lang_in_args, locale_lang, resolve_lang


def run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False,
                              prog_name="planner")


def flat(text: str) -> str:
    """The help text with its wrapping undone."""
    return " ".join(text.split())


def test_top_level_help_is_chinese_by_default_and_english_on_request():
    zh = run("--help")
    assert zh.exit_code == 0
    assert zh.output.startswith("用法： planner [OPTIONS] COMMAND [ARGS]...")
    assert "显示本帮助并退出。" in zh.output
    assert "  check     按规则检查农户数据文件，输出问题清单。" in zh.output
    assert "Show this message" not in zh.output
    en = run("--lang", "en", "--help")
    assert en.output.startswith("Usage: planner [OPTIONS] COMMAND [ARGS]...")
    assert "  check     Check household files against the rules." in en.output
    assert "Show this message and exit." in flat(en.output)
    assert "显示" not in en.output


@pytest.mark.parametrize("how", ["option", "PLANNER_LANG", "LANG", "LC_ALL"])
def test_check_help_in_english_by_option_variable_or_locale(how):
    args, env = ["check", "--help"], {}
    if how == "option":
        args.insert(1, "--lang=en")
    elif how == "PLANNER_LANG":
        env["PLANNER_LANG"] = "en"
    else:
        env[how] = "en_US.UTF-8"
    result = run(*args, env=env)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: planner check [OPTIONS] PATHS...")
    assert "Configuration file (planner.toml or pyproject.toml)." in flat(result.output)
    assert "配置文件" not in result.output


def test_check_help_is_chinese_by_default():
    result = run("check", "--help")
    assert result.output.startswith("用法： planner check [OPTIONS] PATHS...")
    assert "按规则检查农户数据文件，输出问题清单。" in result.output
    assert "配置文件（planner.toml 或 pyproject.toml）。" in result.output
    assert "遇到第一条被拒记录即停止。" in result.output  # a shared reading option
    assert "Configuration file" not in result.output


def test_a_chinese_locale_or_variable_keeps_chinese_and_the_option_wins():
    assert run("check", "--help", env={"LANG": "zh_CN.UTF-8"}).output.startswith("用法：")
    result = run("check", "--help", "--lang", "zh", env={"PLANNER_LANG": "en"})
    assert result.output.startswith("用法：")


def test_missing_argument_in_both_languages():
    zh = run("check")
    assert zh.exit_code == 2
    assert zh.stderr.splitlines() == [
        "用法： planner check [OPTIONS] PATHS...",
        "运行 'planner check --help' 查看帮助。",
        "",
        "错误：缺少参数 'PATHS...'.",
    ]
    en = run("check", env={"LANG": "en_US.UTF-8"})
    assert en.exit_code == 2
    assert en.stderr.splitlines()[-1] == "Error: Missing argument 'PATHS...'."


def test_unknown_option_in_both_languages():
    zh = run("check", "--fail-onn", "error")
    assert zh.exit_code == 2
    assert zh.stderr.splitlines()[-1] == "错误：没有选项 '--fail-onn'。 您是否想用 '--fail-on'？"
    en = run("check", "--lang", "en", "--fail-onn", "error")
    assert en.stderr.splitlines()[-1] == (
        "Error: No such option '--fail-onn'. Did you mean '--fail-on'?")


def test_unknown_command_in_both_languages():
    zh = run("chek")
    assert zh.exit_code == 2
    assert zh.stderr.splitlines()[-1] == "错误：没有命令 'chek'。"
    en = run("--lang", "en", "chek")
    assert en.stderr.splitlines()[-1] == "Error: No such command 'chek'."


def test_a_bad_choice_is_chinese_by_default():
    result = run("check", "x.json", "--fail-on", "sometimes")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("错误：'--fail-on' 的值无效：'sometimes' 不是")


def _commands(command: click.Command, path: str):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _commands(sub, name if path == "planner" else f"{path} {name}")


def test_every_command_and_option_help_has_its_chinese():
    """A new command's help goes into planner/locale/zh.toml (docs/i18n.md): this lists what
    is missing."""
    with_lang = run("--lang", "en", "--help")  # leave every command's help in English
    assert with_lang.exit_code == 0
    missing = []
    for path, command in _commands(cli, "planner"):
        if getattr(command, "_planner_en", {"help": command.help})["help"] and not command_help(
                path):
            missing.append(f"[commands] {path}")
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            english = getattr(param, "_planner_en", {"help": param.help})["help"]
            if english and not option_help(english):
                missing.append(f"[options] {english!r} ({path} {param.opts[0]})")
    assert missing == []


def test_the_catalogue_keeps_click_placeholders():
    for english, chinese in catalogue()["click"].items():
        for placeholder in ("{message}", "{name!r}", "{param_hint}", "{possibility}",
                            "{command}", "{option}", "{value!r}", "{choices}"):
            assert (placeholder in english) == (placeholder in chinese), english


def test_language_resolution(monkeypatch):
    assert lang_in_args(["check", "--lang", "en", "x"]) == "en"
    assert lang_in_args(["check", "--lang=zh"]) == "zh"
    assert lang_in_args(["check", "--", "--lang", "en"]) is None
    assert locale_lang({"LANG": "C.UTF-8"}) is None
    assert locale_lang({"LANG": "en_GB.UTF-8"}) == "en"
    assert locale_lang({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert resolve_lang() == "zh"
    assert resolve_lang(configured="en") == "en"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert resolve_lang() == "en"
    assert resolve_lang(configured="zh") == "zh"  # the configuration is above the locale
    monkeypatch.setenv("PLANNER_LANG", "zh")
    assert resolve_lang(configured="en") == "zh"
    assert resolve_lang("en") == "en"


def test_every_builtin_rule_has_a_summary_in_both_languages():
    from planner.rule_docs import builtin_rules

    rules = list(builtin_rules())
    codes = {rule.code for rule in rules}
    lacking = [rule.code for rule in rules
               if not rule.summary or rule.summary_in("zh") == rule.summary
               or not any("\u4e00" <= char <= "\u9fff" for char in rule.summary_in("zh"))]
    assert lacking == []
    assert set(catalogue()["rules"]) - codes == set()  # no summary of a rule that is gone


def test_rules_lists_chinese_summaries_by_default_and_english_on_request():
    zh = run("rules", "--select", "INC001")
    assert zh.exit_code == 0
    assert "计划脱贫或已脱贫户人均纯收入低于当年贫困线。" in flat(zh.output).replace(" ", "")
    assert "说明" in zh.output
    en = run("rules", "--select", "INC001", "--lang", "en")
    assert "Pre-exit or exited household" in en.output
    assert "贫困线" not in en.output


def test_a_rule_page_in_both_languages():
    zh = run("rules", "INC002").output.splitlines()
    assert zh[3] == ("说明：收入低于贫困线或在监测范围内、有劳动能力的户，本年度无新的增收措施。")
    assert zh[4].startswith("summary: Household below the line or within the monitoring range")
    en = run("rules", "INC002", "--lang", "en").output.splitlines()
    assert en[3].startswith("summary: Household below the line")
    assert en[4].startswith("说明：收入低于贫困线")


def test_the_rules_page_carries_both_summaries():
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert ("| [INC001](#inc001-income-below-line) | income-below-line | error | income | "
            "household | 计划脱贫或已脱贫户人均纯收入低于当年贫困线。 | "
            "Pre-exit or exited household whose per-capita net income is below the year's "
            "poverty line. |") in page


def test_every_builtin_rule_has_a_chinese_doc_page_with_the_english_sections():
    from planner.rule_docs import builtin_rules

    rules = list(builtin_rules())
    assert [rule.code for rule in rules if not rule.has_doc_in("zh")] == []
    for rule in rules:  # the same six sections as the English page, in Chinese
        assert set(rule.doc_sections("zh")) == set(rule.doc_sections("en")), rule.code
        assert rule.doc_in("zh").startswith(rule.summary_in("zh") + "\n\n## 检查内容"), rule.code
        why = rule.doc_sections("zh")["Why it matters"]
        assert any("\u4e00" <= char <= "\u9fff" for char in why), rule.code
    assert set(catalogue()["rule_docs"]) <= {rule.code for rule in rules}


LOCAL_RULE = """\
- code: LOC901
  name: large-household
  family: local
  message: {zh: 人口多, en: large household}
  when: {fact: household.size, gt: 5}
  doc: |
    Household of more than five members.

    ## What it checks
    The household size is above five.
"""


def test_a_rule_doc_page_in_the_run_language_then_the_other():
    zh = run("rules", "WAT002").output
    assert zh.index("## 检查内容") < zh.index("—— English ——") < zh.index("## What it checks")
    assert "四项指标全部达标，饮水才算安全。" in zh
    en = run("rules", "WAT002", "--lang", "en").output
    assert en.index("## What it checks") < en.index("—— 中文 ——") < en.index("## 检查内容")



def test_a_rule_pack_without_a_chinese_page_shows_its_english_page(tmp_path):
    rules = tmp_path / "local.yaml"
    rules.write_text(LOCAL_RULE, encoding="utf-8")
    page = run("rules", "LOC901", "--rules", str(rules)).output
    assert "## What it checks" in page and "The household size is above five." in page
    assert "—— English ——" not in page and "## 检查内容" not in page


def test_the_rules_page_carries_both_doc_pages():
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    section = page[page.index("## HOU001 "):page.index("## HOU002 ")]
    assert section.index("### What it checks") < section.index("### 中文说明") \
        < section.index("#### 检查内容")
    assert "住房安全有保障是“三保障”之一" in section or "住房安全有保障是\"三保障\"之一" in section


def test_planner_errors_print_the_run_language_only():
    from pathlib import Path

    examples = str(Path(__file__).parent.parent / "examples")
    zh = CliRunner().invoke(cli, ["check", "--select", "ZZZ999", examples], prog_name="planner")
    assert zh.exit_code == 2
    assert "未知的规则选择 'ZZZ999'" in zh.output
    assert "unknown rule selector" not in zh.output
    en = CliRunner().invoke(cli, ["check", "--select", "ZZZ999", examples, "--lang", "en"],
                            prog_name="planner")
    assert en.exit_code == 2
    assert "Error: unknown rule selector 'ZZZ999'" in en.output
    assert "未知的规则选择" not in en.output
    env = CliRunner().invoke(cli, ["rules", "NOPE999"], env={"PLANNER_LANG": "en"},
                             prog_name="planner")
    assert "no rule NOPE999" in env.output and "没有规则" not in env.output


def test_a_usage_problem_keeps_both_languages_for_the_library_reader():
    from planner.cli.inputs import UsageProblem

    problem = UsageProblem("没有这个文件", "no such file")
    assert problem.message == "没有这个文件\nno such file"
    assert (problem.in_lang("zh"), problem.in_lang("en")) == ("没有这个文件", "no such file")
    assert UsageProblem("only one").in_lang("en") == "only one"


def test_version_in_the_run_language():
    import platform

    from planner.version import __version__

    python = platform.python_version()
    assert run("--version").output == f"planner {__version__}（Python {python}）\n"
    assert run("--version", "--lang", "en").output == f"planner {__version__} (Python {python})\n"
    assert run("-V", env={"PLANNER_LANG": "en"}).output.startswith(f"planner {__version__} (")


def test_a_rule_as_json_carries_both_doc_pages():
    import json

    page = json.loads(run("rules", "WAT001", "--output-format", "json").output)
    assert page["doc"].startswith("Registered or monitored household whose drinking water")
    assert page["doc_zh"].startswith(page["summary_zh"] + "\n\n## 检查内容\n")
