"""Word lists the extractors share: general knowledge of Chinese diplomatic texts.

Nothing here belongs to one document: these are the suffixes that end offices
and organs of state, the common surnames, the words for kinds of documents.
"""
from __future__ import annotations

import re

# Words that end an office or a capacity as printed before a signatory's name.
TITLE_SUFFIXES = (
    "全权代表", "特命全权大使", "大使", "代办", "公使", "参赞", "领事", "总领事", "特使",
    "代表", "总理", "副总理", "首相", "副首相", "主席", "副主席", "总统", "副总统",
    "部长", "副部长", "外长", "大臣", "外务相", "相", "团长", "副团长", "委员长", "书记",
    "总书记", "秘书长", "司长", "局长", "主任", "参谋长", "会长", "董事长", "省长", "市长",
    "州长", "议长", "国王", "女王", "元首", "总督", "部长助理", "首席代表", "长官", "厅长",
    "院长", "行长", "署长", "主管", "总裁", "总干事", "干事", "执行主任", "理事长",
)
TITLE_SUFFIX_RE = re.compile("(?:" + "|".join(sorted(set(TITLE_SUFFIXES), key=len, reverse=True)) + ")")

# Organs that follow a state's name in a party ("…政府", "…外交部").
ORGANS = ("中央人民政府", "人民政府", "政府", "国务院", "外交部", "人民委员会", "部长会议",
          "联邦政府", "王国政府", "最高人民会议", "全国人民代表大会", "人民代表大会",
          "委员会", "议会", "总统府")
ORGAN_RE = "(?:" + "|".join(sorted(ORGANS, key=len, reverse=True)) + r"|[\u4e00-\u9fff]{1,6}部)"

# How the names of states end.
STATE_END_RE = r"(?:共和国|联合王国|王国|合众国|联邦|联盟|酋长国|公国|大公国|苏丹国|帝国|民国|国)"

# Common Chinese and Korean surnames (single and compound), for telling names from titles.
SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁"
    "尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时"
    "穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾"
    "隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝粟南朴池琴都"
)
SURNAMES_2 = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
              "司徒", "夏侯", "轩辕", "令狐", "南宫", "独孤", "鲜于", "乌兰"}

# Document-type words, the longest first, and the type each gives.
DOC_TYPE_WORDS = (
    ("联合声明", "joint_statement"), ("联合公报", "joint_communique"), ("新闻公报", "joint_communique"),
    ("联合宣言", "joint_declaration"), ("谅解备忘录", "memorandum"), ("备忘录", "memorandum"),
    ("议定书", "protocol"), ("换文", "exchange_of_notes"), ("照会", "exchange_of_notes"),
    ("条约", "treaty"), ("公约", "treaty"), ("协定", "agreement"), ("协议", "agreement"),
    ("宣言", "joint_declaration"), ("声明", "joint_statement"), ("公报", "joint_communique"),
)

# Names of languages end in 文 or 语.
LANGUAGE_RE = r"[\u4e00-\u9fff]{1,5}?[文语]"
