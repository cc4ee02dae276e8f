"""What the e-mail addresses page may offer: only the actions that can apply to the addresses shown."""

from django import template

register = template.Library()


@register.simple_tag
def email_address_actions(addresses) -> dict[str, bool]:
    addresses = list(addresses)
    several = len(addresses) > 1
    return {
        # The only address is already the primary one and can never be removed.
        "primary": several and any(a.verified and not a.primary for a in addresses),
        "remove": several,
        "send": any(not a.verified for a in addresses),
        "any": several or any(not a.verified for a in addresses),
    }
