"""drafter.roles: role labels of top-level sections (classify), heading rules, cue mining (learn)."""

from drafter.roles.classify import (
    CUES_FILE,
    DATA_DIR,
    DEFAULT_ROLE,
    MAX_CUES,
    CueModel,
    SectionFeatures,
    classify_features,
    classify_section,
    default_model,
    get_jieba,
    is_content_token,
    label_speech,
    load_labelled_corpus,
    position_prior,
    read_weights,
    section_features,
    tokenize,
)
from drafter.roles.headings import heading_rule
from drafter.roles.learn import LabelledDoc, learn_cues, log_odds, write_cues

__all__ = [
    "CUES_FILE",
    "DATA_DIR",
    "DEFAULT_ROLE",
    "MAX_CUES",
    "CueModel",
    "LabelledDoc",
    "SectionFeatures",
    "classify_features",
    "classify_section",
    "default_model",
    "get_jieba",
    "heading_rule",
    "is_content_token",
    "label_speech",
    "learn_cues",
    "load_labelled_corpus",
    "log_odds",
    "position_prior",
    "read_weights",
    "section_features",
    "tokenize",
    "write_cues",
]
