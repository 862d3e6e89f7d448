#!/bin/sh
# Regenerates the signature fixtures of core/src/approval (run from this directory).
# The keys are test keys, made for these fixtures only; alice's private key is committed so
# unit tests can sign statements of their own specifications.
set -eu
rm -f alice_ed25519* bob_ecdsa256* carol_rsa* *.sig *.der kms_* statement.*
ssh-keygen -q -t ed25519 -N '' -C alice@example.com -f alice_ed25519
ssh-keygen -q -t ecdsa -b 256 -N '' -C bob@example.com -f bob_ecdsa256
ssh-keygen -q -t rsa -b 2048 -N '' -C carol@example.com -f carol_rsa
printf 'gxp.spec-signature/v1\nspecification: %s\ndigest: %s\nsigner: %s\nname: %s\nmeaning: %s\nsigned_at: %s\n' \
  lims-prod 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \
  alice@example.com 'Alice Example' reviewed 2026-03-01T09:30:00Z > statement.txt
ssh-keygen -Y sign -q -f alice_ed25519 -n gxp-spec statement.txt && mv statement.txt.sig alice.sig
ssh-keygen -Y sign -q -f bob_ecdsa256 -n gxp-spec statement.txt && mv statement.txt.sig bob.sig
ssh-keygen -Y sign -q -f carol_rsa -n gxp-spec statement.txt && mv statement.txt.sig carol.sig
ssh-keygen -Y sign -q -f alice_ed25519 -n git statement.txt && mv statement.txt.sig alice_git.sig
rm bob_ecdsa256 carol_rsa
# KMS-form signatures (MessageType=DIGEST over SHA-256(statement)) made offline with openssl.
openssl dgst -sha256 -binary statement.txt > statement.sha256
openssl ecparam -name prime256v1 -genkey -noout -out k_p256.pem
openssl pkey -in k_p256.pem -pubout -out kms_p256.pem
openssl pkeyutl -sign -inkey k_p256.pem -in statement.sha256 -out kms_p256.sig.der
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k_rsa.pem 2>/dev/null
openssl pkey -in k_rsa.pem -pubout -out kms_rsa.pem
openssl pkeyutl -sign -inkey k_rsa.pem -in statement.sha256 -out kms_rsa.sig \
  -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32
rm k_p256.pem k_rsa.pem
# Cross-check with OpenSSH itself.
printf 'alice@example.com %s\n' "$(cut -d' ' -f1,2 alice_ed25519.pub)" > allowed_signers.tmp
ssh-keygen -Y verify -f allowed_signers.tmp -I alice@example.com -n gxp-spec -s alice.sig < statement.txt
rm allowed_signers.tmp
