# Terraform 1.12 and later: import the qualification by its resource identity. The
# provider's `evidence_store` is searched for the latest report of the qualification
# `lims-prod` filed under application `lims` and environment `prod`.
import {
  to = gxp_qualification.lims
  identity = {
    name        = "lims-prod"
    application = "lims"
    environment = "prod"
  }
}
