"""A persona's walk through the UI: every page it reaches is photographed and checked with axe-core.

`check(step)` screenshots the page into test-artifacts/browser/<journey>/ and runs axe-core on it; `finish()` fails
when a page was reached without a check, or when any page has a serious or critical violation (the Thai government
web standard follows WCAG). The axe results of each page are kept beside its screenshot.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from rightsadmin.demo import DEMO_PASSWORD

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.1 A and AA, and axe's best practices (landmarks, headings): what the Thai standard asks and a bit more.
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag",
                                                          "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                                     "best-practice"]}}
_axe = Axe()


def second_factor_code(username: str) -> str:
    """The code the account's device accepts next: each time step once, and one step ahead of now at most."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    while device.last_t + 1 > int(time.time()) // device.step + 1:  # used twice within a minute: wait
        time.sleep(1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = max(int(time.time()) // device.step, device.last_t + 1) * device.step
    return f"{totp.token():06d}"


class Journey:
    def __init__(self, page, base_url: str, name: str):
        self.page, self.base_url, self.name = page, base_url.rstrip("/"), name
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.steps = 0
        self.reached: list[str] = []
        self.checked: set[str] = set()
        self.violations: list[str] = []
        page.set_default_timeout(10_000)  # a page of this app answers in well under a second
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.reached.append(frame.url)

    # -- moving around

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the login form, the way the person does."""
        self.goto("/login/")
        self.check("login")
        self.fill_login(username, password)

    def fill_login(self, username: str, password: str, *, second_factor: bool = True) -> None:
        """The login form, then (when the account has a device and `second_factor`) the code its device shows."""
        main = self.page.get_by_role("main")
        main.get_by_label("ชื่อผู้ใช้งาน").fill(username)
        main.get_by_label("รหัสผ่าน").fill(password)
        main.get_by_role("button", name="เข้าสู่ระบบ").click()
        self.page.wait_for_load_state()
        if second_factor and self.page.url.split("?")[0].endswith("/login/verify/"):
            self.check("login-verify")
            self.fill_code(second_factor_code(username))

    def fill_code(self, code: str) -> None:
        main = self.page.get_by_role("main")
        main.get_by_label("รหัสยืนยันตัวตน").fill(code)
        main.get_by_role("button", name="ยืนยัน", exact=True).click()
        self.page.wait_for_load_state()

    def logout(self) -> None:
        self.page.get_by_role("banner").get_by_role("button", name="ออกจากระบบ").click()
        self.page.wait_for_load_state()

    def menu(self, label: str) -> None:
        """Follow a link of the main navigation (its label may carry a count after it)."""
        nav = self.page.get_by_role("navigation", name="เมนูหลัก")
        nav.get_by_role("link", name=re.compile(rf"^{re.escape(label)}( \d+)?$")).click()
        self.page.wait_for_load_state()

    # -- evidence

    def check(self, step: str) -> dict:
        """Screenshot the page and run axe-core on it; serious and critical violations are kept for finish()."""
        self.page.wait_for_load_state()
        self.steps += 1
        stem = f"{self.steps:02d}-{step}"
        self.page.screenshot(path=str(self.folder / f"{stem}.png"), full_page=True)
        results = _axe.run(self.page, options=AXE_OPTIONS).response
        violations = results["violations"]
        (self.folder / f"{stem}.axe.json").write_text(
            json.dumps([{k: v[k] for k in ("id", "impact", "help", "helpUrl")} | {"nodes": [n["target"] for n in v["nodes"]]}
                        for v in violations], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        for violation in violations:
            if violation["impact"] in BLOCKING_IMPACTS:
                nodes = "; ".join(f"{n['target']} {n['html'][:120]}" for n in violation["nodes"][:5])
                self.violations.append(f"{stem} {self.page.url}: {violation['impact']} {violation['id']} "
                                       f"({violation['help']}) at {nodes}")
        self.checked.add(self.page.url)
        return results

    def finish(self) -> None:
        unchecked = [url for url in dict.fromkeys(self.reached) if url not in self.checked and url != "about:blank"]
        assert not unchecked, f"pages reached without an accessibility check: {unchecked}"
        assert not self.violations, "serious or critical accessibility violations:\n" + "\n".join(self.violations)
