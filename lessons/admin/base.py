"""What every admin page of the project shares: submitted ids checked before
they reach a query, and inlines of a bounded number of rows. Every ModelAdmin
and inline here derives from these, and tests/test_fuzz_inputs.py checks that
none is left out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join

from lessons.ids import parse_pk

# The mixins below extend Django's classes; the type checker sees them as such.
if TYPE_CHECKING:
    _AutocompleteBase = widgets.AutocompleteMixin
    _AdminBase = admin.options.BaseModelAdmin
    ModelAdminMixinBase = admin.ModelAdmin
else:
    _AutocompleteBase = _AdminBase = ModelAdminMixinBase = object


def _keyed_by_integer(model: type[models.Model], to_field_name: str | None) -> bool:
    key = model._meta.get_field(to_field_name) if to_field_name else model._meta.pk
    return isinstance(key, models.IntegerField)


def _ids_only(values, model: type[models.Model], to_field_name: str | None) -> list:
    if not _keyed_by_integer(model, to_field_name):
        return list(values)
    return [v for v in values if parse_pk(v) is not None]


def _model_of(field: forms.ModelChoiceField) -> type[models.Model]:
    # Every related field of an admin form is built with its queryset.
    assert field.queryset is not None
    return field.queryset.model


class IdChoiceField(forms.ModelChoiceField):
    """A related object by its id: a value that cannot be an id is "Select a
    valid choice" before any query (SQLite's driver raises OverflowError on one
    past 64 bits)."""

    def to_python(self, value) -> models.Model | None:
        if (
            value not in self.empty_values
            and not isinstance(value, models.Model)
            and not _ids_only([value], _model_of(self), self.to_field_name)
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value) -> models.QuerySet:
        if isinstance(value, (list, tuple)):
            usable = _ids_only(value, _model_of(self), self.to_field_name)
            if bad := [v for v in value if v not in usable]:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": bad[0]},
                )
        return super().clean(value)


class _CheckedOptgroups(_AutocompleteBase):
    """Django's autocomplete widgets look the submitted values up again to
    render an invalid form; a value that is not an id raised ValueError (or
    OverflowError) there, a 500 instead of the form's own error."""

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        to_field = getattr(self.field.remote_field, "field_name", None)
        return super().optgroups(name, _ids_only(value, model, to_field), attr)


class _NamedBySelect2Label(_AutocompleteBase):
    """Adds the script that names select2's combobox and search box by the
    field's label (axe: aria-input-field-name, label)."""

    @property
    def media(self) -> forms.Media:
        # Listed after Django's scripts so the media merge keeps it after them.
        after = ["admin/js/jquery.init.js", "admin/js/autocomplete.js"]
        return super().media + forms.Media(js=[*after, "js/admin-autocomplete-labels.js"])


class CheckedAutocompleteSelect(
    _NamedBySelect2Label, _CheckedOptgroups, widgets.AutocompleteSelect
):
    pass


class CheckedAutocompleteSelectMultiple(
    _NamedBySelect2Label, _CheckedOptgroups, widgets.AutocompleteSelectMultiple
):
    def build_attrs(self, base_attrs, extra_attrs=None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Select2's "clear all" is a bare <span> inside its list of chosen
        # items (axe: list); each chosen item has its own remove button.
        attrs["data-allow-clear"] = "false"
        return attrs


class RowFieldNamesMixin:
    """A table of forms (a tabular inline, a changelist's editable columns)
    labels each field only by its column heading, which is no label for a
    screen reader or axe (label, label-title-only). Each field is named here by
    its column and its row: "Text, choice 2", "Position of “Lesson title”"."""

    def add_fields(self, form: forms.BaseModelForm, index: int | None) -> None:
        super().add_fields(form, index)  # type: ignore[misc]  # a formset's method
        row = self.row_name(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{field.label or ''}{row}"

    def row_name(self, form: forms.BaseModelForm, index: int | None) -> str:
        """What follows the column's label to name the row."""
        raise NotImplementedError


class NamedInlineRowsFormSet(RowFieldNamesMixin, BaseInlineFormSet):
    def row_name(self, form, index) -> str:
        noun = form.instance._meta.verbose_name
        # The empty form is copied by the admin's script for "Add another".
        return f", new {noun}" if index is None else f", {noun} {index + 1}"


class NamedChangeListRowsFormSet(RowFieldNamesMixin, BaseModelFormSet):
    def row_name(self, form, index) -> str:
        return f" of “{form.instance}”" if form.instance.pk else ""


class CheckedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """Shows the chosen object's name beside the id; none for what is not an id."""

    def label_and_url_for_value(self, value) -> tuple[str, str]:
        if not _ids_only([value], self.rel.model, self.rel.get_related_field().name):
            return "", ""
        return super().label_and_url_for_value(value)


class CheckedIdsMixin(_AdminBase):
    """For ModelAdmin and inlines: related fields that check a submitted id
    (form field and widget) before Django's own code queries with it."""

    def formfield_for_foreignkey(
        self, db_field, request, **kwargs
    ) -> forms.ModelChoiceField | None:
        using = kwargs.get("using")
        if "widget" not in kwargs:
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=using)
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = CheckedRawIdWidget(
                    db_field.remote_field, self.admin_site, using=using
                )
        kwargs.setdefault("form_class", IdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field, request, **kwargs
    ) -> forms.ModelMultipleChoiceField | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CheckedModelAdmin(CheckedIdsMixin, admin.ModelAdmin):
    def get_changelist_formset(self, request, **kwargs) -> type[BaseModelFormSet]:
        kwargs.setdefault("formset", NamedChangeListRowsFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def changelist_view(self, request, extra_context=None) -> HttpResponse:
        # The rows of list_editable are named by form-N-<pk>; Django looks
        # them up as sent, and one past 64 bits broke SQLite's driver.
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            row_id = re.compile(rf"form-\d+-{re.escape(self.opts.pk.name)}")
            sent = [v for k, v in request.POST.items() if row_id.fullmatch(k)]
            if _ids_only(sent, self.model, None) != sent:
                self.message_user(
                    request,
                    "The edited rows are not rows of this list; reload it and edit again. "
                    "No items have been changed.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)


class CheckedTabularInline(CheckedIdsMixin, admin.TabularInline):
    """An inline of at most max_num rows, submitted or shown as extra. A
    formset builds min(TOTAL_FORMS, absolute_max) forms from what the POST
    claims, and Django's default absolute_max is 2000: one forged count cost
    about 10 s of CPU. Past the bound the formset builds max_num forms and
    shows "Please submit at most N forms"; each inline sets a max_num that
    fits its real use."""

    max_num = 20
    formset = NamedInlineRowsFormSet

    def get_formset(self, request, obj=None, **kwargs) -> type[BaseInlineFormSet]:
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


SUMMARY_ROWS = 20


def summary_table(headers: tuple[str, ...], rows: list[tuple]) -> str:
    return format_html(
        "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        format_html_join("", "<th>{}</th>", ((header,) for header in headers)),
        format_html_join("", "<tr>" + "<td>{}</td>" * len(headers) + "</tr>", rows),
    )


def shown_of(total: int, noun: str) -> str:
    if total > SUMMARY_ROWS:
        return f"The first {SUMMARY_ROWS} of {total} {noun}s."
    return f"{total} {noun}{pluralize(total)}."


class FirstRelatedChoicesFilter(admin.RelatedFieldListFilter):
    """Offers the first SUMMARY_ROWS related objects (and the one filtered by),
    not all of them: a sidebar of every lesson or source grows with the
    library. Any other is reached by the link from its own page, or search.

    An id that is not one (text, or past 64 bits, which SQLite's driver cannot
    even compare) is the admin's bad-lookup redirect, not a query."""

    def field_choices(self, field, request, model_admin) -> list:
        # Called by __init__ before anything else queries with the value.
        if any(parse_pk(value) is None for value in self.lookup_val or ()):
            raise IncorrectLookupParameters(f"{self.lookup_kwarg} is not an id.")
        related = field.remote_field.model._default_manager.all()
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        choices = [(obj.pk, str(obj)) for obj in related[:SUMMARY_ROWS]]
        listed = {str(pk) for pk, _ in choices}
        chosen = [v for v in self.lookup_val or () if v not in listed]
        if chosen:
            choices += [(obj.pk, str(obj)) for obj in related.filter(pk__in=chosen)]
        return choices
