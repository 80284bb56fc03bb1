"""Maps and area audits for Gwangju's future-vehicle triangle belt."""

from ._errors import InputError, InputFileNotFoundError, OutputError, TriangleBeltError
from .area import area_m2, area_table, geodesic_area_m2, planar_area_m2, union_area_m2
from .audit import AuditResult, audit_claims, belt_geometry, belt_summary, measure_zones, run_audit
from .io import read_zones
from .layers import load_claims, load_context, load_points, load_zones
from .units import from_m2, m2_to_pyeong, pyeong_to_m2, to_m2

__all__ = [
    "AuditResult",
    "InputError",
    "InputFileNotFoundError",
    "OutputError",
    "TriangleBeltError",
    "area_m2",
    "area_table",
    "audit_claims",
    "belt_geometry",
    "belt_summary",
    "from_m2",
    "geodesic_area_m2",
    "load_claims",
    "load_context",
    "load_points",
    "load_zones",
    "m2_to_pyeong",
    "measure_zones",
    "planar_area_m2",
    "pyeong_to_m2",
    "read_zones",
    "run_audit",
    "to_m2",
    "union_area_m2",
]
