"""The phrase engine's word tables and meeting profiles.

Which functions each part of a speech calls for, the usual topics and their headings, the words
that point a heading at a topic, a function or a role, synonyms, and the kinds of meeting
(:class:`MeetingProfile`) with the template that suits each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drafter.drafting.templates import TemplateInfo
from drafter.model import (
    ROLE_DISCIPLINE,
    ROLE_SITUATION,
    ROLE_TASKS,
)

OPENING_FUNCTIONS = ("会议定性", "会议目的", "回应前面发言", "引出意见")
SITUATION_FUNCTIONS = ("肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感")
DISCIPLINE_FUNCTIONS = ("作风要求", "工作要求", "督查问责", "廉政要求")
TASK_FUNCTIONS = ("部署任务", "工作要求")
TOPIC_ORDER = (
    "项目建设",
    "招商引资",
    "工业经济",
    "城乡建设",
    "乡村振兴",
    "生态环保",
    "营商环境",
    "民生保障",
    "安全稳定",
    "财政金融",
    "科技创新",
    "社会治理",
    "农业农村",
    "文化旅游",
    "教育卫生",
    "改革开放",
    "党的建设",
    "干部队伍",
)
TOPIC_HEADINGS = {
    "项目建设": "全力抓项目促投资",
    "招商引资": "全力抓招商引项目",
    "工业经济": "稳住工业经济基本盘",
    "城乡建设": "扎实推进城乡建设",
    "乡村振兴": "全面推进乡村振兴",
    "生态环保": "深入开展污染治理",
    "营商环境": "持续优化营商环境",
    "民生保障": "全面增进民生福祉",
    "安全稳定": "有效化解各类风险",
    "财政金融": "全力抓好财政增收",
    "科技创新": "大力推动科技创新",
    "社会治理": "不断提升社会治理水平",
    "农业农村": "加快发展现代农业",
    "文化旅游": "大力发展文化旅游",
    "教育卫生": "加快发展教育卫生事业",
    "改革开放": "纵深推进改革开放",
    "党的建设": "全面加强政府自身建设",
    "干部队伍": "建设高素质干部队伍",
}
DISCIPLINE_HEADINGS = {
    "作风要求": "务实担当，驰而不息转作风",
    "工作要求": "全面梳理，细化分解抓落实",
    "督查问责": "真督实查，跟踪问效保成效",
    "廉政要求": "严守底线，清正廉洁树形象",
}
DEFAULT_HEADINGS = {
    ROLE_SITUATION: "坚定信心，认清形势，切实增强做好工作的责任感紧迫感",
    ROLE_TASKS: "锚定目标，重点突破，全力推动各项工作提质增效",
    ROLE_DISCIPLINE: "强化作风，担当实干，确保各项任务落地见效",
}
FALLBACK_TEXT = {
    "引出意见": "下面，我讲{{ 意见条数 }}点意见。",
    "号召": "同志们，任务已经明确，关键在于落实。让我们以只争朝夕的精神、真抓实干的作风，"
    "奋力完成全年各项目标任务，为{{ 地区 }}高质量发展作出新的更大贡献！",
}

# Words in a heading -> the topic it is about.
TOPIC_HINTS = (
    ("招商", "招商引资"),
    ("引资", "招商引资"),
    ("项目", "项目建设"),
    ("投资", "项目建设"),
    ("开工", "项目建设"),
    ("工业", "工业经济"),
    ("产业", "工业经济"),
    ("园区", "工业经济"),
    ("实体经济", "工业经济"),
    ("企业", "工业经济"),
    ("县城", "城乡建设"),
    ("城乡", "城乡建设"),
    ("城市", "城乡建设"),
    ("城镇", "城乡建设"),
    ("城建", "城乡建设"),
    ("城区", "城乡建设"),
    ("乡村", "乡村振兴"),
    ("农业", "农业农村"),
    ("农村", "农业农村"),
    ("三农", "农业农村"),
    ("生态", "生态环保"),
    ("环保", "生态环保"),
    ("污染", "生态环保"),
    ("绿色", "生态环保"),
    ("营商", "营商环境"),
    ("优环境", "营商环境"),
    ("服务", "营商环境"),
    ("审批", "营商环境"),
    ("民生", "民生保障"),
    ("为民", "民生保障"),
    ("惠民", "民生保障"),
    ("就业", "民生保障"),
    ("群众", "民生保障"),
    ("安全", "安全稳定"),
    ("稳定", "安全稳定"),
    ("风险", "安全稳定"),
    ("信访", "安全稳定"),
    ("防汛", "安全稳定"),
    ("和谐", "社会治理"),
    ("治理", "社会治理"),
    ("财政", "财政金融"),
    ("增收", "财政金融"),
    ("金融", "财政金融"),
    ("税", "财政金融"),
    ("创新", "科技创新"),
    ("科技", "科技创新"),
    ("改革", "改革开放"),
    ("开放", "改革开放"),
    ("文化", "文化旅游"),
    ("旅游", "文化旅游"),
    ("教育", "教育卫生"),
    ("卫生", "教育卫生"),
    ("医疗", "教育卫生"),
    ("班子", "干部队伍"),
    ("干部", "干部队伍"),
    ("队伍", "干部队伍"),
    ("党建", "党的建设"),
    ("自身建设", "党的建设"),
)
# Words in a heading -> the function of the phrase that should follow it (作风纪律 sections).
FUNCTION_HINTS = (
    ("问责", "督查问责"),
    ("督查", "督查问责"),
    ("督导", "督查问责"),
    ("考核", "督查问责"),
    ("考评", "督查问责"),
    ("问效", "督查问责"),
    ("追责", "督查问责"),
    ("奖惩", "督查问责"),
    ("倒逼", "督查问责"),
    ("预警", "督查问责"),
    ("要账", "督查问责"),
    ("要帐", "督查问责"),
    ("廉", "廉政要求"),
    ("腐", "廉政要求"),
    ("底线", "廉政要求"),
    ("纪律", "廉政要求"),
    ("规矩", "廉政要求"),
    ("政治关", "廉政要求"),
    ("经济关", "廉政要求"),
    ("亲情关", "廉政要求"),
    ("作风", "作风要求"),
    ("担当", "作风要求"),
    ("效率", "作风要求"),
    ("实干", "作风要求"),
    ("拼搏", "作风要求"),
    ("攻坚", "作风要求"),
    ("一线", "作风要求"),
    ("团队", "作风要求"),
    ("团结", "作风要求"),
    ("精神", "作风要求"),
    ("务实", "作风要求"),
    ("交账", "作风要求"),
    ("交帐", "作风要求"),
    ("服务", "作风要求"),
    ("机制", "工作要求"),
    ("制度", "工作要求"),
    ("责任", "工作要求"),
    ("班子", "工作要求"),
    ("统筹", "工作要求"),
    ("谋划", "工作要求"),
    ("大局", "工作要求"),
    ("重点", "工作要求"),
    ("细化", "工作要求"),
    ("动力", "工作要求"),
)
# Words in a top-level parallel heading item -> the role of its section (建设效率政府，要完善机制 -> 作风纪律).
ROLE_HINTS = (
    ("机制", ROLE_DISCIPLINE),
    ("作风", ROLE_DISCIPLINE),
    ("纪律", ROLE_DISCIPLINE),
    ("团队", ROLE_DISCIPLINE),
    ("团结", ROLE_DISCIPLINE),
    ("廉", ROLE_DISCIPLINE),
    ("振奋精神", ROLE_SITUATION),
    ("形势", ROLE_SITUATION),
    ("担当", ROLE_SITUATION),
    ("思想", ROLE_SITUATION),
    ("信心", ROLE_SITUATION),
)
# The same idea in other words, so that 交账 finds 交帐 and 团队 finds 团结协作.
SYNONYMS = {
    "交账": ("交帐",),
    "交帐": ("交账",),
    "团队": ("团结", "协作", "合力"),
    "班子": ("一把手", "主要负责人", "带头"),
    "一线": ("现场", "基层"),
    "动力": ("激励", "积极性"),
    "问责": ("追责", "督查"),
    "底线": ("廉洁", "红线"),
    "效率": ("速度", "节奏"),
    "攻坚": ("突破", "硬仗"),
    "为民": ("群众", "民生"),
    "和谐": ("稳定", "平安"),
    "发展": ("经济", "增长"),
    "县城": ("城区", "城市"),
    "美丽乡村": ("乡村", "农村"),
}


@dataclass(frozen=True)
class MeetingProfile:
    """What a kind of meeting asks for: words that identify it, words of its phrases, its usual topics."""

    name: str
    keys: tuple[str, ...]  # found in 会议类型 (or 会议名称): this kind of meeting
    marks: tuple[str, ...]  # words in a phrase that tie it to this kind of meeting
    prefer: tuple[str, ...]
    topics: tuple[str, ...]


MEETING_PROFILES = (
    MeetingProfile(
        "review",
        ("季度", "交帐", "交账", "亮相", "总结", "点评", "讲评", "观摩", "半年"),
        ("交帐", "交账", "亮相", "季度", "观摩"),
        ("交帐", "亮相", "季度", "实绩", "考核", "成绩"),
        ("项目建设", "城乡建设", "乡村振兴", "招商引资"),
    ),
    MeetingProfile(
        "mobilise",
        ("动员", "誓师", "启动", "攻坚", "推进会", "部署会"),
        ("动员", "誓师", "攻坚年"),
        ("动员", "攻坚", "落实", "决战"),
        ("项目建设", "招商引资", "工业经济", "城乡建设"),
    ),
    MeetingProfile(
        "safety",
        ("安全", "防汛", "应急", "消防"),
        ("防汛", "安全生产"),
        ("安全", "隐患", "应急"),
        ("安全稳定", "社会治理", "生态环保", "民生保障"),
    ),
    MeetingProfile(
        "ecology",
        ("环保", "生态", "污染", "环境整治"),
        ("污染防治", "环保督察"),
        ("生态", "环保", "污染"),
        ("生态环保", "城乡建设", "乡村振兴", "民生保障"),
    ),
    MeetingProfile(
        "economy",
        ("经济工作", "经济运行", "形势分析", "调度"),
        ("经济形势分析",),
        ("经济", "运行", "指标", "增长"),
        ("工业经济", "项目建设", "招商引资", "财政金融"),
    ),
    MeetingProfile(
        "plenary",
        ("全体会议", "全体（扩大）会议", "常务会议", "政府工作"),
        ("全体会议", "政府全体"),
        ("全体会议", "政府工作", "政府系统", "目标任务"),
        ("项目建设", "招商引资", "城乡建设", "民生保障"),
    ),
)


# The template that suits each kind of meeting best.
_PROFILE_TEMPLATE = {
    "review": "review",
    "mobilise": "implementation",
    "plenary": "plenary",
    "economy": "plenary",
    "safety": "plenary",
    "ecology": "plenary",
}


def suited_template(meeting: Mapping[str, str]) -> str | None:
    """The name of the template that suits the meeting (by 会议类型, else 会议名称), if any kind is recognised."""
    profile = meeting_profile(meeting)
    return _PROFILE_TEMPLATE.get(profile.name) if profile else None


def rank_templates(templates: Sequence[TemplateInfo], meeting: Mapping[str, str]) -> list[TemplateInfo]:
    """Templates with the one that suits the meeting first; the others keep their order."""
    best = suited_template(meeting)
    return sorted(templates, key=lambda t: t.name != best)


def meeting_profile(meeting: Mapping[str, str]) -> MeetingProfile | None:
    """The kind of meeting named by 会议类型 (else by 会议名称), or None."""
    for field_name in ("会议类型", "会议名称"):
        text = str(meeting.get(field_name) or "")
        if not text:
            continue
        for profile in MEETING_PROFILES:
            if any(k in text for k in profile.keys):
                return profile
    return None


def meeting_override(info: TemplateInfo, meeting: Mapping[str, str]) -> dict[str, Any]:
    """The template's ``meeting_types`` entry whose key appears in 会议类型 (else 会议名称)."""
    table = info.meta.get("meeting_types")
    if not isinstance(table, dict):
        return {}
    for field_name in ("会议类型", "会议名称"):
        text = str(meeting.get(field_name) or "")
        for key, override in table.items():
            if text and str(key) in text and isinstance(override, dict):
                return override
    return {}
