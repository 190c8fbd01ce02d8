"""drafter.drafting."""

from drafter.drafting.spec import check_references, date_year, draft_from_yaml, draft_to_data, draft_to_yaml, dump_yaml, normalise_date, parse_draft, raise_problems, read_draft, read_spec_text, save_draft
from drafter.drafting.render import find_template, list_templates, load_draft, new_spec_text, rank_templates, render_context, render_speech, render_text, section_heading, suggest_draft, suited_template

__all__ = ['check_references', 'date_year', 'draft_from_yaml', 'draft_to_data', 'draft_to_yaml', 'dump_yaml', 'find_template', 'list_templates', 'load_draft', 'new_spec_text', 'normalise_date', 'parse_draft', 'raise_problems', 'rank_templates', 'read_draft', 'read_spec_text', 'render_context', 'render_speech', 'render_text', 'save_draft', 'section_heading', 'suggest_draft', 'suited_template']
