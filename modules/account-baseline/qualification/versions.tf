terraform {
  required_version = ">= 1.5"

  required_providers {
    gxp = {
      source  = "gxp/gxp"
      version = ">= 0.1"
    }
  }
}
