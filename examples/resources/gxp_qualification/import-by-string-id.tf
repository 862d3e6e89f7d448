# Terraform 1.5 and later: import the qualification from a filed report with an import block.
import {
  to = gxp_qualification.lims
  id = "s3://acme-gxp-evidence/gxp-evidence/application=lims/environment=prod/date=2026-11-22/lims-prod/20261122T101500Z-1a2b3c4d.json"
}
