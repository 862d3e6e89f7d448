# A specification is imported by its name.
terraform import gxp_expected_spec.lims lims-prod
