"""Office and WPS documents to PDF with LibreOffice headless, one process per document.

No Django here: a source path in, a PDF path out, or ConversionFailed with a Chinese reason.
Each run gets a fresh LibreOffice profile in its own temporary directory (so runs never share
a lock or state), a time limit after which the whole process group is killed (soffice is a
shell script that starts soffice.bin; killing only the script would leave it running), and
optionally no network at all: ``unshare --net`` gives it a network namespace with nothing in
it, so a document that links a remote image or template cannot make the server fetch it.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# The extension LibreOffice is told the file has. WPS Office writes .wps/.et/.dps in the Word,
# Excel and PowerPoint binary layouts (validation checked their main stream), while LibreOffice
# would try the old Microsoft Works filter on a file named .wps.
SOURCE_SUFFIXES = {
    "doc": "doc",
    "docx": "docx",
    "wps": "doc",
    "xls": "xls",
    "xlsx": "xlsx",
    "et": "xls",
    "ppt": "ppt",
    "pptx": "pptx",
    "dps": "ppt",
}

# How long a killed run may take to disappear (soffice.bin is reaped by init, not by us).
_KILL_WAIT = 5.0

NETWORK_SANDBOX = ("unshare", "--user", "--map-root-user", "--net")

# Macros never run (validation refuses macro files anyway) and no linked content is fetched.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


class ConversionFailed(Exception):
    """The document could not be turned into a PDF; ``message`` says why, in Chinese."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out


@dataclass(frozen=True)
class Converter:
    soffice: str = "soffice"
    timeout: float = 120.0
    isolate_network: bool = True

    def command(self, source: Path, *, outdir: Path, profile: Path) -> list[str]:
        cmd = [
            self.soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ]
        return [*NETWORK_SANDBOX, *cmd] if self.isolate_network else cmd

    def convert(self, source: Path, *, extension: str, workdir: Path) -> Path:
        """Convert ``source`` (an evidence file of type ``extension``) into a PDF in ``workdir``.

        ``workdir`` must be an empty private directory; the caller removes it afterwards.
        """
        suffix = SOURCE_SUFFIXES.get(extension)
        if suffix is None:
            raise ConversionFailed(f"不支持预览 {extension.upper() or '该'} 类型的文件。")
        if shutil.which(self.soffice) is None:
            raise ConversionFailed("服务器未安装 LibreOffice（soffice），无法生成预览。")
        if self.isolate_network and shutil.which(NETWORK_SANDBOX[0]) is None:
            raise ConversionFailed("服务器缺少 unshare，无法在断网环境中生成预览。")
        # A fixed ASCII name: the uploader's file name never reaches a command line.
        staged = workdir / f"source.{suffix}"
        shutil.copyfile(source, staged)
        profile = workdir / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
        outdir = workdir / "out"
        outdir.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "TMPDIR": str(workdir),
            "LANG": "zh_CN.UTF-8",
        }
        self._run(self.command(staged, outdir=outdir, profile=profile), env=env, cwd=workdir)
        pdf = outdir / "source.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionFailed("LibreOffice 无法打开该文件（文件可能已损坏或格式不受支持）。")
        with pdf.open("rb") as fh:
            if not fh.read(5) == b"%PDF-":
                raise ConversionFailed("LibreOffice 未能生成有效的 PDF。")
        return pdf

    def _run(self, cmd: list[str], *, env: dict[str, str], cwd: Path) -> None:
        # Its own session, so that a timeout kills soffice.bin and anything it started.
        process = subprocess.Popen(  # noqa: S603 - fixed program, no user input in arguments
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionFailed(
                f"生成预览超时（超过 {self.timeout:g} 秒），已停止转换。", timed_out=True
            ) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
        if process.returncode != 0:
            tail = output.decode("utf-8", "replace").strip()[-300:]
            raise ConversionFailed(
                f"LibreOffice 转换失败（退出码 {process.returncode}）：{tail}"
                if tail
                else f"LibreOffice 转换失败（退出码 {process.returncode}）。"
            )


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the run's whole process group and wait (boundedly) until it has died out."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + _KILL_WAIT
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
