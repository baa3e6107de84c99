"""Name, ethnicity and organisation pools for synthetic households (Guizhou-like rural county)."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
    "郝龚邵万严覃武戴莫孔向汤杨吴罗龙"
)
MALE_CHARS = "建国志强永福明军华伟勇平刚春海文斌波宏光林杰涛成兴德顺贵发荣昌学正东清云生金山"
FEMALE_CHARS = "秀英桂兰春梅玉芳丽红霞燕芬琴花翠珍凤娟敏艳萍芝美莲菊素慧静婷雪娜丹蓉群仙"

# Rough ethnic mix of rural Guizhou (汉族 about 60%; 苗, 布依, 侗, 土家, 彝, 仡佬, 水 …).
ETHNICITIES = ("汉族", "苗族", "布依族", "侗族", "土家族", "彝族", "仡佬族", "水族")
ETHNICITY_WEIGHTS = (60, 12, 9, 6, 5, 4, 2, 2)

HELPER_ORGANISATIONS = (
    "县农业农村局",
    "县乡村振兴局",
    "县水务局",
    "县教育局",
    "县卫生健康局",
    "县人力资源和社会保障局",
    "县住房和城乡建设局",
    "县林业局",
    "县民政局",
    "乡人民政府",
    "乡卫生院",
    "县农村信用社",
)

TOWN_NAMES = (
    "河口镇",
    "青山乡",
    "龙场镇",
    "白云乡",
    "石门镇",
    "桃源乡",
    "新寨镇",
    "马场乡",
    "平坝镇",
    "双河乡",
    "大田镇",
    "松坪乡",
    "黄泥乡",
    "关岭镇",
    "花溪乡",
    "高峰镇",
    "清水乡",
    "红岩镇",
    "凤凰乡",
    "长坡镇",
)
VILLAGE_PREFIXES = "石桥白岩松林杨柳核桃青杠水井大寨小河竹林坪上沙坝团结新民光明红星金星"
VILLAGE_SUFFIXES = ("村", "村", "村", "寨村", "坝村", "沟村")


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    """A two- or three-character Chinese name; ``surname`` keeps a family's surname."""
    family = surname or rng.choice(SURNAMES)
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return family + given


def ethnicity(rng: random.Random) -> str:
    """An ethnicity drawn from the county's mix."""
    return rng.choices(ETHNICITIES, ETHNICITY_WEIGHTS)[0]


def town_name(index: int) -> str:
    """A town name, unique for any index (numbered once the pool is used up)."""
    base = TOWN_NAMES[index % len(TOWN_NAMES)]
    return (
        base if index < len(TOWN_NAMES) else f"{base[:-1]}{index // len(TOWN_NAMES) + 1}{base[-1]}"
    )


def village_name(index: int) -> str:
    """A village name, unique for any index."""
    pairs = len(VILLAGE_PREFIXES) // 2
    prefix = VILLAGE_PREFIXES[2 * (index % pairs) : 2 * (index % pairs) + 2]
    suffix = VILLAGE_SUFFIXES[(index // pairs) % len(VILLAGE_SUFFIXES)]
    cycle = index // (pairs * len(VILLAGE_SUFFIXES))
    return f"{prefix}{cycle + 1 if cycle else ''}{suffix}"
