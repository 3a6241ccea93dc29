from accounts.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_waiting": []}
    menu = menu_for(user)
    return {"menu": menu, "menu_waiting": [item for item in menu if item["count"]]}
