# A qualification is imported from a filed report (its `.sha256` is checked when present).
terraform import gxp_qualification.lims s3://acme-gxp-evidence/gxp-evidence/application=lims/environment=prod/date=2026-11-22/lims-prod/20261122T101500Z-1a2b3c4d.json
