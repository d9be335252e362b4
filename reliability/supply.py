"""The supply chain: an SBOM of the installed environment and a vulnerability audit of the locks.

    .venv/bin/python -m reliability.supply [--lock requirements/app.lock ...]
        [--sbom build/reliability/sbom.cdx.json] [--service pypi|osv] [--require-audit]

The SBOM is CycloneDX JSON from `cyclonedx-py environment` over this interpreter's
environment (what actually runs, not what was asked for), and the environment is compared
with the last lock given: a package installed at another version, or not in it, is drift.

Each lock is audited by `pip-audit -r LOCK --no-deps --disable-pip --format json`. pip-audit
says "No known vulnerabilities found" even when it could look up none of the packages (it
skips a package whose vulnerability service it cannot reach), so this reads its JSON and
counts the packages really audited. Only when every package was audited and none has a
known vulnerability does it say so; otherwise it says "could not audit N of M packages".

Exit status: 1 when a vulnerability is found (or a tool fails); 3 when some packages could
not be audited and --require-audit is given; 0 otherwise. The figures go under "supply" in
the file HOMECARE_RELIABILITY_REPORT names.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from reliability.report import merge_into_report

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements" / "app.lock", ROOT / "requirements" / "dev.lock")
SBOM = ROOT / "build" / "reliability" / "sbom.cdx.json"
BIN = Path(sys.executable).parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
NOT_AUDITED = 3


@dataclass
class Audit:
    """What pip-audit could and could not say about one lock."""

    lock: str
    packages: int = 0
    audited: int = 0
    skipped: int = 0
    vulnerable_packages: int = 0
    vulnerabilities: list[dict[str, Any]] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def complete(self) -> bool:
        return not self.error and self.packages > 0 and self.audited == self.packages

    def verdict(self) -> str:
        """One plain sentence; 'no known vulnerabilities' only when every package was audited."""
        if self.error:
            return f"{self.lock}: the audit did not run: {self.error}"
        found = (
            f"{len(self.vulnerabilities)} known vulnerabilities in "
            f"{self.vulnerable_packages} packages"
        )
        if self.skipped:
            reasons = "; ".join(f"{reason} ({n})" for reason, n in self.skip_reasons.items())
            gap = f"could not audit {self.skipped} of {self.packages} packages: {reasons}"
            if not self.audited:
                return f"{self.lock}: {gap}; the vulnerability service answered for none of them"
            known = len(self.vulnerabilities)
            return (
                f"{self.lock}: {gap}; {known} known vulnerabilities in the {self.audited} audited"
            )
        if self.vulnerabilities:
            return f"{self.lock}: {found}"
        return f"{self.lock}: no known vulnerabilities in {self.packages} audited packages"


def pins(lock: Path) -> dict[str, str]:
    """The lock's name==version lines, by normalised name."""
    found: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def reason_of(skip_reason: str) -> str:
    """pip-audit's reason without the package it names, so like reasons group together."""
    return re.sub(r":\s*\S+ \([^)]*\)\s*$", "", skip_reason).strip()


def read_audit(lock: str, report: dict[str, Any]) -> Audit:
    """Counts audited and skipped packages and the vulnerabilities in pip-audit's JSON."""
    audit = Audit(lock=lock)
    reasons: Counter[str] = Counter()
    for dependency in report.get("dependencies", []):
        audit.packages += 1
        if "skip_reason" in dependency:
            audit.skipped += 1
            reasons[reason_of(str(dependency["skip_reason"]))] += 1
            continue
        audit.audited += 1
        vulns = dependency.get("vulns", [])
        if vulns:
            audit.vulnerable_packages += 1
        for vuln in vulns:
            audit.vulnerabilities.append(
                {
                    "package": dependency.get("name"),
                    "version": dependency.get("version"),
                    "id": vuln.get("id"),
                    "fix_versions": vuln.get("fix_versions", []),
                }
            )
    audit.skip_reasons = dict(reasons.most_common())
    return audit


def audit_lock(lock: Path, service: str, timeout: float) -> Audit:
    """Runs pip-audit over one lock and reads its JSON, or says why it could not."""
    command = [
        str(BIN / "pip-audit"),
        *("-r", str(lock), "--no-deps", "--disable-pip", "--format", "json"),
        *("--progress-spinner", "off", "--vulnerability-service", service),
        *("--timeout", str(int(timeout))),
    ]
    name = str(lock.relative_to(ROOT)) if lock.is_relative_to(ROOT) else str(lock)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * 20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Audit(lock=name, packages=len(pins(lock)), error=str(error))
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return Audit(lock=name, packages=len(pins(lock)), error=last[:300])
    return read_audit(name, report)


def write_sbom(target: Path) -> dict[str, Any]:
    """CycloneDX JSON of this interpreter's environment; returns its component count."""
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "cyclonedx-py"),
        *("environment", sys.executable, "--of", "JSON", "--output-reproducible"),
        *("--pyproject", str(ROOT / "pyproject.toml"), "-o", str(target)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return {"path": str(target), "error": done.stderr.strip()[-300:], "components": None}
    document = json.loads(target.read_text())
    return {
        "path": str(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target),
        "spec_version": document.get("specVersion"),
        "components": len(document.get("components", [])),
    }


def drift(lock: Path) -> list[str]:
    """Installed packages the lock pins at another version or does not name at all."""
    pinned = pins(lock)
    installed = {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("homecare", None)
    return sorted(
        f"{name} {version} (lock: {pinned.get(name, 'not named')})"
        for name, version in installed.items()
        if pinned.get(name) != version
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lock", type=Path, action="append", help="default: both locks")
    parser.add_argument("--sbom", type=Path, default=SBOM)
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument(
        "--require-audit", action="store_true", help="fail when any package could not be audited"
    )
    args = parser.parse_args(argv)
    locks = [lock.resolve() for lock in args.lock or LOCKS]
    sbom = write_sbom(args.sbom)
    print(f"SBOM: {sbom['components']} components in {sbom['path']}", sbom.get("error", ""))
    audits = [audit_lock(lock, args.service, args.timeout) for lock in locks]
    drifted = drift(locks[-1])
    for audit in audits:
        print(audit.verdict())
    if drifted:
        print(f"installed otherwise than {locks[-1].name} says: {', '.join(drifted)}")
    vulnerable = any(a.vulnerabilities for a in audits)
    broken = bool(sbom.get("error")) or any(a.error for a in audits)
    unaudited = any(not a.complete for a in audits)
    found = len({(v["package"], v["id"]) for a in audits for v in a.vulnerabilities})
    merge_into_report(
        "supply",
        {
            "sbom": sbom,
            "service": args.service,
            "locks": {
                Path(a.lock).name: {**asdict(a), "complete": a.complete, "verdict": a.verdict()}
                for a in audits
            },
            "vulnerabilities": found if not unaudited else f"{found} in the packages audited",
            "complete": not unaudited,
            "reason": "; ".join(
                f"{Path(a.lock).name}: could not audit {a.skipped} of {a.packages} packages"
                if not a.error
                else f"{Path(a.lock).name}: the audit did not run"
                for a in audits
                if not a.complete
            ),
            "drift": drifted,
            "drift_count": len(drifted),
        },
    )
    if vulnerable or broken:
        return 1
    if unaudited:
        print("the audit is incomplete: these packages were not checked for vulnerabilities")
        return NOT_AUDITED if args.require_audit else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
