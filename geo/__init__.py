"""Maps and area audits for Gwangju's future-vehicle triangle belt."""

from ._errors import InputError, InputFileNotFoundError, OutputError, TriangleBeltError
from .area import area_m2, area_table, geodesic_area_m2, planar_area_m2, union_area_m2
from .audit import AuditResult, audit_claims, measure_zones, run_audit
from .belt import belt_geometry, belt_summary, belt_triangle
from .export import export_geojson, export_geopackage
from .io import OutputFolder, read_zones
from .layers import ZoneSource, load_claims, load_context, load_points, load_zones
from .maps import MapOptions, belt_map, parcels_map, write_maps, zone_map
from .pipeline import BuildOptions, BuildPlan, build, plan
from .raster import area_convergence, raster_overlay, rasterize_zones, zonal_stats
from .units import from_m2, m2_to_pyeong, pyeong_to_m2, to_m2

__all__ = [
    "AuditResult",
    "BuildOptions",
    "BuildPlan",
    "InputError",
    "InputFileNotFoundError",
    "MapOptions",
    "OutputError",
    "OutputFolder",
    "TriangleBeltError",
    "ZoneSource",
    "area_convergence",
    "area_m2",
    "area_table",
    "audit_claims",
    "belt_geometry",
    "belt_map",
    "belt_summary",
    "belt_triangle",
    "build",
    "export_geojson",
    "export_geopackage",
    "from_m2",
    "geodesic_area_m2",
    "load_claims",
    "load_context",
    "load_points",
    "load_zones",
    "m2_to_pyeong",
    "measure_zones",
    "parcels_map",
    "plan",
    "planar_area_m2",
    "pyeong_to_m2",
    "raster_overlay",
    "rasterize_zones",
    "read_zones",
    "run_audit",
    "to_m2",
    "union_area_m2",
    "write_maps",
    "zonal_stats",
    "zone_map",
]
