#![allow(warnings)]
// terraform-provider-gxp patch: protocol 6.10 (tfplugin6.10.proto, Terraform v1.15.5's
// docs/plugin-protocol/tfplugin6.proto). The provider service is generated with default
// stubs: every RPC the library does not serve answers gRPC `Unimplemented`, as Terraform
// expects from a provider without that feature. The go-plugin services keep hand-written
// implementations (their streams are not boxed).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tonic_build::configure()
        .build_client(false)
        .compile_protos(&["proto/plugin.proto"], &["proto"])?;
    tonic_build::configure()
        .protoc_arg("--experimental_allow_proto3_optional")
        .build_client(false)
        .generate_default_stubs(true)
        .compile_protos(&["proto/tfplugin6.10.proto"], &["proto"])?;
    Ok(())
}
