"""Data: a small lexicon of the subjects a county or city speech deals with.

``heading`` words are how a heading or a meeting name names the subject (specific);
``body`` words are evidence that a paragraph is about it (broader); ``exclude`` removes
phrases that contain a subject word without being about it (警示教育 is not 教育).
Used by ``off-topic`` and ``meeting-mismatch``; ``related`` subjects never contradict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    name: str
    heading: tuple[str, ...]
    body: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    group: str = ""  # subjects of one group are related: a heading of one may speak of another


SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "防汛",
        ("防汛", "抗旱", "汛期", "度汛", "地质灾害", "防洪", "三防"),
        (
            "防汛",
            "抗旱",
            "汛期",
            "度汛",
            "汛情",
            "山洪",
            "地质灾害",
            "强降雨",
            "降雨",
            "水库",
            "河道",
            "堤防",
            "内涝",
            "洪涝",
            "洪水",
            "转移避险",
            "防洪",
            "雨情",
            "水情",
            "险情",
            "泄洪",
        ),
        group="安全",
    ),
    Subject(
        "森林防火",
        ("森林防火", "林火", "森林草原防火", "护林防火"),
        ("森林防火", "林火", "火源", "野外用火", "山火", "护林", "防火", "火情", "扑火", "祭祀用火", "林区"),
        group="安全",
    ),
    Subject(
        "安全生产",
        ("安全生产", "安全隐患", "消防安全", "危化", "道路交通安全", "燃气安全", "安全监管"),
        (
            "安全生产",
            "隐患",
            "事故",
            "危化",
            "危险化学品",
            "消防",
            "道路交通",
            "燃气",
            "非煤矿山",
            "安全监管",
            "排查整治",
            "重大风险",
            "应急",
            "安全责任",
            "伤亡",
        ),
        group="安全",
    ),
    Subject(
        "招商",
        ("招商", "引资", "招大引强", "以商招商"),
        (
            "招商",
            "引资",
            "签约",
            "客商",
            "投资者",
            "外资",
            "招大引强",
            "以商招商",
            "产业链招商",
            "落地",
            "洽谈",
            "引进",
            "投资商",
            "项目签约",
            "招引",
        ),
        group="发展",
    ),
    Subject(
        "教育",
        ("教育", "学校", "办学", "教师队伍"),
        (
            "教育",
            "学校",
            "教师",
            "学生",
            "办学",
            "课堂",
            "校园",
            "教学",
            "学前",
            "义务教育",
            "高中",
            "师资",
            "双减",
            "学位",
            "升学",
        ),
        exclude=(
            "警示教育",
            "主题教育",
            "党性教育",
            "思想教育",
            "教育引导",
            "教育管理",
            "宣传教育",
            "廉政教育",
            "廉洁教育",
            "教育培训",
            "教育整顿",
            "法治教育",
            "安全教育",
            "教育实践",
            "培训教育",
        ),
    ),
    Subject(
        "廉政",
        ("廉政", "廉洁", "反腐", "腐败", "党风"),
        (
            "廉政",
            "廉洁",
            "腐败",
            "反腐",
            "八项规定",
            "四风",
            "党风",
            "监督执纪",
            "纪检",
            "违纪",
            "违法违纪",
            "警示教育",
            "清正",
            "以权谋私",
            "吃拿卡要",
            "微腐败",
        ),
        group="作风",
    ),
    Subject(
        "乡村振兴",
        ("乡村振兴", "三农", "农业农村", "人居环境", "脱贫", "农村"),
        (
            "乡村振兴",
            "农村",
            "农业",
            "农民",
            "脱贫",
            "耕地",
            "粮食",
            "村庄",
            "人居环境",
            "三农",
            "种植",
            "养殖",
            "村集体",
            "驻村",
            "防返贫",
            "产业振兴",
        ),
        group="乡村",
    ),
    Subject(
        "营商环境",
        ("营商环境", "放管服", "政务服务", "优化服务"),
        (
            "营商环境",
            "放管服",
            "审批",
            "市场主体",
            "政务服务",
            "一网通办",
            "涉企",
            "惠企",
            "企业",
            "办事",
            "窗口",
            "服务企业",
            "跑一次",
            "减税降费",
        ),
        group="发展",
    ),
    Subject(
        "生态",
        ("生态", "环保", "环境保护", "污染防治", "污染治理", "蓝天", "碧水", "净土"),
        (
            "生态",
            "环保",
            "污染",
            "大气",
            "水质",
            "河长制",
            "环境治理",
            "减排",
            "秸秆",
            "扬尘",
            "绿色",
            "环境质量",
            "督察",
            "排放",
            "植树造林",
        ),
        group="乡村",
    ),
    Subject(
        "卫生健康",
        ("卫生健康", "医疗", "医改", "疫情防控", "公共卫生", "健康", "医保"),
        (
            "卫生",
            "医疗",
            "医院",
            "疫情",
            "健康",
            "医保",
            "疾控",
            "患者",
            "防疫",
            "医生",
            "医务",
            "基层医疗",
            "诊疗",
            "接种",
        ),
        exclude=("卫生城市", "创卫", "环境卫生", "卫生死角", "健康发展", "健康有序", "健康运行"),
        group="民生",
    ),
    Subject(
        "信访",
        ("信访", "维稳", "平安建设", "矛盾纠纷", "社会稳定", "扫黑除恶"),
        (
            "信访",
            "维稳",
            "上访",
            "矛盾纠纷",
            "平安",
            "社会稳定",
            "治安",
            "两抢一盗",
            "扫黑",
            "化解",
            "诉求",
            "群体性",
            "重点人员",
            "风险隐患",
        ),
        group="稳定",
    ),
    Subject(
        "文明创建",
        ("文明城市", "创文", "创卫", "文明创建", "卫生城市"),
        (
            "文明城市",
            "文明创建",
            "创文",
            "创卫",
            "卫生城市",
            "市容",
            "志愿服务",
            "文明素质",
            "测评",
            "背街小巷",
            "文明程度",
            "乱停乱放",
            "占道经营",
        ),
        group="民生",
    ),
)

_EXCLUDES = {s.name: re.compile("|".join(map(re.escape, s.exclude))) if s.exclude else None for s in SUBJECTS}


def _clean(subject: Subject, text: str) -> str:
    pattern = _EXCLUDES[subject.name]
    return pattern.sub("", text) if pattern is not None else text


def named_subjects(text: str) -> list[Subject]:
    """The subjects a heading or a meeting name names."""
    return [s for s in SUBJECTS if any(w in _clean(s, text) for w in s.heading)]


def body_hits(subject: Subject, text: str) -> dict[str, int]:
    """How often each of the subject's body words occurs in ``text`` (words found only)."""
    cleaned = _clean(subject, text)
    hits = {w: cleaned.count(w) for w in subject.body}
    return {w: n for w, n in hits.items() if n}


def related(a: Subject, b: Subject) -> bool:
    return a.name == b.name or (bool(a.group) and a.group == b.group)


__all__ = ["SUBJECTS", "Subject", "body_hits", "named_subjects", "related"]
