"""`{% url %}` with its paths built once per URL name (`relais.web.links.fast_reverse`).

Loaded as a template builtin (settings `TEMPLATES` « builtins »), after Django's own, so
every `{% url %}` of the project's templates goes through it: Django's tag calls
`reverse()` at each render, which walks the URL patterns (about 0.03 ms a call); a page
renders dozens of them. The syntax and the result are Django's: same parsing, same path,
same escaping, `as var` kept. What goes to `reverse()` as before: keyword arguments, and
the admin's namespace, the only one whose instance (`current_app`) may matter.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from relais.web.links import fast_reverse

register = template.Library()


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        if not isinstance(view_name, str) or view_name.startswith("admin:"):
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        url = ""
        try:
            url = fast_reverse(view_name, *args)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
