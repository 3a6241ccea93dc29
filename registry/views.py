"""The registry import as web pages: choose the kind, upload, preview every problem in Thai, then confirm.

For central admins and province reviewers (menu `menu_import_registry`); a province reviewer may import only rows of
units in the province (the importer refuses the others, row by row). The uploaded file waits under
MEDIA_ROOT/imports/ with a random name; the session keeps only that name and the file's details, so another
session cannot preview or confirm it. Confirming checks the file again, against the database as it is then.
Checking and importing run beside the request (registry.jobs): the preview page shows their progress until
they are done.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.http import client_ip
from registry import jobs as import_jobs
from registry.forms import RegistryImportForm, registry_import_max_bytes
from registry.importers import IMPORTERS, Action
from registry.jobs import PREVIEW_ROWS, UPLOAD_DIR, ImportJob, upload_dir
from rights.access import IMPORT_MENU, MenuRequiredMixin, unit_access
from rights.scope import Scope

__all__ = ["SESSION_KEY", "UPLOAD_DIR", "upload_dir"]

SESSION_KEY = "registry_imports"
# Pending uploads kept per session; an older one is removed when a new one arrives.
MAX_PENDING = 3


class RegistryImportAccessMixin(MenuRequiredMixin):
    """`self.scope` is where the viewer may import (a province, or the whole country)."""

    menu = IMPORT_MENU
    policy = unit_access


def _pending_uploads(request) -> dict[str, dict]:
    return request.session.get(SESSION_KEY, {})


def _pending(request, token: str) -> tuple[dict, Path]:
    """The upload `token` of this session, or 404: a token from another session does not exist for this one."""
    pending = _pending_uploads(request).get(token)
    if not import_jobs.TOKEN.match(token) or pending is None:
        raise Http404
    path = upload_dir() / f"{token}.{pending['format']}"
    if not path.exists():
        _forget(request, token)
        raise Http404
    return pending, path


def _forget(request, token: str) -> None:
    uploads = _pending_uploads(request)
    pending = uploads.pop(token, None)
    if pending is not None:
        (upload_dir() / f"{token}.{pending['format']}").unlink(missing_ok=True)
        import_jobs.import_job_forgotten(token)
    request.session[SESSION_KEY] = uploads


def _store(request, form: RegistryImportForm) -> str:
    upload = form.cleaned_data["file"]
    token = import_jobs.upload_stored(upload, form.file_format)
    uploads = _pending_uploads(request)
    for old in sorted(uploads, key=lambda t: uploads[t]["uploaded_at"])[: max(0, len(uploads) - MAX_PENDING + 1)]:
        _forget(request, old)
        uploads = _pending_uploads(request)
    uploads[token] = {
        "kind": form.cleaned_data["kind"],
        "name": Path(upload.name).name[:200],
        "format": form.file_format,
        "size": upload.size,
        "uploaded_at": timezone.now().isoformat(),
    }
    request.session[SESSION_KEY] = uploads
    return token


def _columns_by_kind() -> list[dict]:
    return [
        {
            "kind": kind,
            "columns": [
                {"name": name, "label": importer.column_labels.get(name, ""), "optional": name in importer.optional_columns}
                for name in importer.columns
            ],
        }
        for kind, importer in IMPORTERS.items()
    ]


def _preview_context(token: str, pending: dict, job: ImportJob, scope: Scope) -> dict:
    result = job.result
    return {
        "token": token,
        "pending": pending,
        "job": job,
        "report": result,
        "problems": result["problem_list"],
        "problems_hidden": max(0, result["problems"] - PREVIEW_ROWS),
        "warnings": result["warning_list"],
        "warnings_hidden": max(0, result["warnings"] - PREVIEW_ROWS),
        "changes": [{**row, "action_label": Action.LABELS[row["action"]]} for row in result["change_list"]],
        "changes_hidden": max(0, result["changes"] - PREVIEW_ROWS),
        "scope": scope,
        "scope_units": scope.roots,
        "confirmable": job.state == import_jobs.CHECKED,
    }


def _job_started(request, token: str, pending: dict, task: str) -> ImportJob:
    return import_jobs.import_job_started(
        token=token, pending=pending, user=request.user, ip_address=client_ip(request), task=task
    )


def _imported(request, token: str, pending: dict, job: ImportJob):
    _forget(request, token)
    counts = job.result["counts"]
    messages.success(request, _("นำเข้าแฟ้ม %(name)s แล้ว: สร้างใหม่ %(created)s แก้ไข %(updated)s ไม่เปลี่ยนแปลง %(unchanged)s") % {
        "name": pending["name"],
        "created": f"{counts[Action.CREATE]:,}",
        "updated": f"{counts[Action.UPDATE]:,}",
        "unchanged": f"{counts[Action.UNCHANGED]:,}",
    })
    return redirect(reverse("accounts:import-registry") + f"?kind={pending['kind']}")


def _failed(request, token: str, job: ImportJob):
    _forget(request, token)
    messages.error(request, job.error)
    return redirect("accounts:import-registry")


class RegistryImportView(RegistryImportAccessMixin, View):
    template_name = "accounts/import_upload.html"

    def render_form(self, request, form, status=200):
        return render(request, self.template_name, {
            "form": form,
            "scope": self.scope,
            "max_megabytes": registry_import_max_bytes() // (1024 * 1024),
            "kinds": _columns_by_kind(),
        }, status=status)

    def get(self, request):
        return self.render_form(request, RegistryImportForm(initial={"kind": request.GET.get("kind", "officials")}))

    def post(self, request):
        form = RegistryImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        token = _store(request, form)
        _job_started(request, token, _pending_uploads(request)[token], import_jobs.CHECK)
        return redirect("accounts:import-preview", token=token)


class RegistryImportPreviewView(RegistryImportAccessMixin, View):
    """The upload's page: the job's progress while it runs, then what the check found (or what the import did)."""

    template_name = "accounts/import_preview.html"
    progress_template_name = "accounts/import_progress.html"

    def get(self, request, token: str):
        pending, _path = _pending(request, token)
        job = import_jobs.import_job(token)
        if job is None or job.owner_id != request.user.pk or (job.stale and job.state == import_jobs.CHECKING):
            job = _job_started(request, token, pending, import_jobs.CHECK)
        elif job.stale:  # an import whose process died: its transaction rolled back
            messages.warning(request, _("การนำเข้าหยุดกลางคัน ไม่ได้นำเข้าข้อมูลใด ๆ กรุณากดยืนยันอีกครั้ง"))
            job = _job_started(request, token, pending, import_jobs.CHECK)
        if job.running:
            return render(request, self.progress_template_name, {
                "token": token, "pending": pending, "job": job, "scope": self.scope,
                "refresh_seconds": settings.REGISTRY_IMPORT_REFRESH_SECONDS,
            })
        if job.state == import_jobs.FAILED:
            return _failed(request, token, job)
        if job.state == import_jobs.IMPORTED:
            return _imported(request, token, pending, job)
        if job.state == import_jobs.REFUSED:
            messages.error(request, _("ตรวจพบปัญหาเมื่อยืนยัน ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาแก้ไขไฟล์แล้วอัปโหลดใหม่"))
        return render(request, self.template_name, _preview_context(token, pending, job, self.scope))


class RegistryImportConfirmView(RegistryImportAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, token: str):
        pending, _path = _pending(request, token)
        job = import_jobs.import_job(token)
        if job is None or job.owner_id != request.user.pk or job.state != import_jobs.CHECKED:
            # Still checking, or already importing (a second click): the page shows where it stands.
            return redirect("accounts:import-preview", token=token)
        # Checked again: the database may have changed since the preview.
        job = _job_started(request, token, pending, import_jobs.IMPORT)
        if job.state == import_jobs.IMPORTED:
            return _imported(request, token, pending, job)
        if job.state == import_jobs.FAILED:
            messages.error(request, job.error)
            return redirect("accounts:import-registry")
        if job.state == import_jobs.REFUSED:
            messages.error(request, _("ตรวจพบปัญหาเมื่อยืนยัน ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาแก้ไขไฟล์แล้วอัปโหลดใหม่"))
            context = _preview_context(token, pending, job, self.scope)
            return render(request, RegistryImportPreviewView.template_name, context, status=400)
        return redirect("accounts:import-preview", token=token)


class RegistryImportCancelView(RegistryImportAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, token: str):
        _pending(request, token)
        _forget(request, token)
        messages.info(request, _("ยกเลิกการนำเข้าแล้ว ไฟล์ที่อัปโหลดถูกลบออกจากเซิร์ฟเวอร์"))
        return redirect("accounts:import-registry")
