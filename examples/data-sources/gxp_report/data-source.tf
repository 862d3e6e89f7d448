# The latest report of a qualification, found in the provider's evidence store.
data "gxp_report" "lims" {
  qualification = "lims-prod"
  application   = "lims"
  environment   = "prod"
}

# Stop a release pipeline unless the last qualification passed.
check "qualified" {
  assert {
    condition     = data.gxp_report.lims.status == "passed"
    error_message = "The last qualification of lims-prod is ${data.gxp_report.lims.status}: ${data.gxp_report.lims.location}"
  }
}
