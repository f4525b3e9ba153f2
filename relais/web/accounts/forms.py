from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from relais.accounts.models import ApiTokenScope, User
from relais.accounts.services import API_TOKEN_DAYS
from relais.core.text import name_character_error, one_line


class LoginForm(AuthenticationForm):
    """E-mail + password. The field keeps Django's name `username` (the lockout counts it)."""

    username = forms.CharField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie "
        "(après 10 essais infructueux, le compte est verrouillé 15 minutes).",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        help_text="Le code affiché par votre application d'authentification (il change toutes les 30 secondes).",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": "Saisissez le code à 6 chiffres.",
            "min_length": "Le code comporte 6 chiffres.",
            "max_length": "Le code comporte 6 chiffres.",
        },
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("Le code ne contient que des chiffres.")
        return code


class InvitationSignupForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères au moins, avec au moins trois types de caractères parmi "
        "minuscules, majuscules, chiffres et caractères spéciaux.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def _clean_name(self, field: str, label: str) -> str:
        name = one_line(self.cleaned_data[field])
        if error := name_character_error(name, label):
            raise forms.ValidationError(error)
        return name

    def clean_first_name(self) -> str:
        return self._clean_name("first_name", "Prénom")

    def clean_last_name(self) -> str:
        return self._clean_name("last_name", "Nom")

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        if p1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Par exemple, le nom de l'outil qui l'utilisera.",
    )
    scope = forms.ChoiceField(
        label="Droits",
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Un outil qui ne fait que lire n'a pas besoin de pouvoir écrire.",
    )
    days = forms.TypedChoiceField(
        label="Valable",
        choices=[(d, f"{d} jours") for d in API_TOKEN_DAYS],
        coerce=int,
        initial=90,
    )
