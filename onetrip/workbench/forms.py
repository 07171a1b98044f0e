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


class CounterRegisterForm(PersonLookupForm):
    """Opening an account for a person at the window: the ID card seen, the phone proved by a
    code the person reads out."""

    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("As printed on the ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=11,
        help_text=_("The person's own phone: codes to sign in and news of their cases go to it."),
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    code = forms.CharField(
        label=_("Code the person reads out from the SMS"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "register_%s")  # beside the lookup form on one page
        super().__init__(*args, **kwargs)


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
