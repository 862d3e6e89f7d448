# Terraform 1.5 and later: import the specification by its name with an import block.
import {
  to = gxp_expected_spec.lims
  id = "lims-prod"
}
