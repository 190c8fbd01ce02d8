"""drafter.drafting: draft specs, templates, rendering, the new-draft scaffold and the suggestion engine."""

from drafter.drafting import editing as editing  # the wizard's editing operations (drafting.editing)
from drafter.drafting.render import (
    BLANK_MARKER,
    base_values,
    count_word,
    render_context,
    render_speech,
    render_text,
    section_heading,
)
from drafter.drafting.scaffold import new_draft, new_spec_text
from drafter.drafting.spec import (
    check_references,
    date_year,
    draft_from_yaml,
    draft_to_data,
    draft_to_yaml,
    dump_yaml,
    load_draft,
    normalise_date,
    parse_draft,
    raise_problems,
    read_spec_text,
    save_draft,
)
from drafter.drafting.suggest import forms_missing, rank_templates, suggest_draft, suited_template
from drafter.drafting.templates import TemplateInfo, find_template, list_templates

__all__ = [
    "BLANK_MARKER",
    "TemplateInfo",
    "base_values",
    "check_references",
    "count_word",
    "date_year",
    "draft_from_yaml",
    "draft_to_data",
    "draft_to_yaml",
    "dump_yaml",
    "find_template",
    "forms_missing",
    "list_templates",
    "load_draft",
    "new_draft",
    "new_spec_text",
    "normalise_date",
    "parse_draft",
    "raise_problems",
    "rank_templates",
    "read_spec_text",
    "render_context",
    "render_speech",
    "render_text",
    "save_draft",
    "section_heading",
    "suggest_draft",
    "suited_template",
]
