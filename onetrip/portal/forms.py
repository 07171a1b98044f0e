from django import forms
from django.utils.translation import gettext_lazy as _

from onetrip.accounts.validators import check_citizen_id, normalise_citizen_id


class AgentAuthoriseForm(forms.Form):
    """A legal representative names the person who may act for the legal person (授权代办)."""

    uscc = forms.CharField(widget=forms.HiddenInput)
    id_number = forms.CharField(
        label=_("Agent's citizen ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(
        label=_("Agent's name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.CharField(
        label=_("What the agent may do (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: apply for licences and collect results."),
    )

    def clean_id_number(self):
        value = normalise_citizen_id(self.cleaned_data["id_number"])
        verdict = check_citizen_id(value)
        if not verdict.valid:
            raise forms.ValidationError(verdict.reason)
        return value

    def clean_name(self):
        return self.cleaned_data["name"].strip()
