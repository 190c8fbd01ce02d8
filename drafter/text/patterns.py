"""Line patterns of speeches as offices and websites keep them: dates, salutations, web debris.

Shared by the splitter and the outline parser (and available to corpus cleaning).  Every
pattern is anchored and linear; none is applied to lines longer than a few hundred characters
where that matters (the callers check lengths first).
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------
# Dates: 2024年3月1日, 二〇二四年三月一日, 2020.12.31, 2020-12-31, （2019年4月27日，北京）

_CN_DATE = (
    r"[0-9X×xＸ*〇○零一二三四五六七八九]{2,4}年"
    r"[0-9X×xＸ*〇○零一二三四五六七八九十]{1,2}月"
    r"[0-9X×xＸ*〇○零一二三四五六七八九十]{1,3}日"
)
_NUM_DATE = r"(?:19|20)\d{2}[.．\-/／]\d{1,2}[.．\-/／]\d{1,2}"
_DATE = rf"(?:{_CN_DATE}|{_NUM_DATE})"
# A place after the date: （2019年4月27日，北京）, 2024年3月1日 天柱.
_PLACE = r"(?:[，,、\s]\s*[^（）()，,。；！？\s\d]{1,12})?"
DATE_LINE_RE = re.compile(rf"^[（(]?\s*({_DATE}){_PLACE}\s*[）)]?$")
# A date glued to the end of a header line: 在全县经济工作会议上的讲话 2020.12.31 / …讲话（2020年12月31日）.
TRAILING_DATE_RE = re.compile(rf"\s*[（(]?\s*({_DATE}){_PLACE}\s*[）)]?$")

# ---------------------------------------------------------------------------
# Salutations and addressees

ADDRESSEES = (
    "同志们|朋友们|代表们|同学们|老师们|家长们|校友们|战友们|女士们|先生们|青年朋友们"
    "|全体教职工|教职工|教职员工|各位领导|各位来宾|各位委员|各位代表|各位嘉宾|各位同事"
    "|各位老师|各位同学|各位家长|各位同志|各位校友|各位专家|各位企业家|各位新同事"
)
SALUTATION_RE = re.compile(rf"^[^。！？]{{0,24}}(?:{ADDRESSEES})[^。！？]{{0,16}}[：:]$")
# A paragraph that turns to the audience: 同志们，… / 老师们、同学们！…
ADDRESS_START_RE = re.compile(rf"^(?:亲爱的|尊敬的)?(?:{ADDRESSEES})(?:[、和](?:{ADDRESSEES}))*[，,！!、]")

# ---------------------------------------------------------------------------
# Web debris: captions, credits, links, sources

_JUNK_LINE = re.compile(
    r"^[【\[]?(?:点击观看|点击查看|点击阅读|点击进入|点击播放|扫码观看|扫描二维码|责任编辑|编辑|校对|审核"
    r"|来源|图片来源|视频来源|文章来源|稿件来源|原标题|作者|记者|通讯员|监制|策划|制作)[】\]]?[：:\s]"
    r"|^(?:点击观看|点击查看|视频[：:]|（?图[：:/／])"
    r"|^(?:▲|△|▼|↑|图为|上图|下图|左图|右图|（图为|\(图为)"
)
_CREDIT_END = re.compile(r"(?:记者|通讯员|摄影|摄影师)?\s*[\w·]{0,12}\s*摄[）)]?\s*$")
_NEWS_LEAD = re.compile(
    r"^(?:新华社|中新社|新华网|人民网|央视网|央广网|本报讯|本报|中国新闻网|光明网|新京报)"
    r"[^，。]{0,16}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯|消息)"
)
READING_LIST_RE = re.compile(
    r"^[【\[]?(?:延伸阅读|相关阅读|推荐阅读|相关新闻|相关链接|相关报道|往期回顾|热点推荐|更多阅读)[】\]]?[：:]?"
)
READING_LIST_ITEM_MAX = 60
READING_LIST_MAX_ITEMS = 30
_JUNK_MAX = 160


def is_web_junk(text: str) -> bool:
    """A caption, photo credit, source, editor or 「点击观看」 line of a web copy (not speech text)."""
    if len(text) > _JUNK_MAX:
        return False
    if _JUNK_LINE.match(text):
        return True
    return text.endswith(("摄", "摄）", "摄)")) and _CREDIT_END.search(text) is not None


def is_news_lead(text: str) -> bool:
    """A news dateline (新华社北京4月27日电 …) that opens a web copy of a speech."""
    return _NEWS_LEAD.match(text) is not None


def is_reading_list_head(text: str) -> bool:
    """The 「延伸阅读：」 line that opens a list of link titles."""
    return READING_LIST_RE.match(text) is not None and len(text) <= READING_LIST_ITEM_MAX


def is_reading_list_item(text: str) -> bool:
    """A link title under 「延伸阅读」: short, no sentence end."""
    return len(text) <= READING_LIST_ITEM_MAX and not text.endswith(("。", "：", ":"))


# ---------------------------------------------------------------------------
# Courtesy openings: 首先，我代表县委、县政府，向大会的召开表示热烈的祝贺

COURTESY_RE = re.compile(
    r"^(?:请允许我|让我)?(?:我)?(?:谨|首先)?(?:代表|受|向|对|借此机会)"
    r"|(?:致以|表示|致|送上)(?:最)?(?:热烈的|衷心的|诚挚的|崇高的|亲切的|真诚的|良好的)?"
    r"(?:祝贺|欢迎|感谢|谢意|问候|敬意|慰问|祝福)"
)
