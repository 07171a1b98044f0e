from django import forms
from django.utils.translation import gettext_lazy as _

from onetrip.accounts.validators import check_citizen_id, normalise_citizen_id


class PersonLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=18,
        help_text=_("Type the number from the ID card the person shows you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_id_number(self):
        value = normalise_citizen_id(self.cleaned_data["id_number"])
        verdict = check_citizen_id(value)
        if not verdict.valid:
            raise forms.ValidationError(verdict.reason)
        return value


class DepartmentGrantForm(forms.Form):
    username = forms.CharField(
        label=_("Staff account name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    department = forms.ModelChoiceField(label=_("May see the work of"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: joint review of restaurant licences."),
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
