# Terraform 1.12 and later: import the specification by its resource identity, its name.
import {
  to = gxp_expected_spec.lims
  identity = {
    name = "lims-prod"
  }
}
