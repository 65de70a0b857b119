#!/bin/bash
# The guide's own bash + openssl pipelines (spec/ing-psd2-get-started-guide.txt), verbatim apart
# from file paths: the Digest, Date and HTTP Signature of POST /oauth2/token, and the
# x-jws-signature of POST /oauth2/applications. The values go to files in OUT_DIR, one per
# value, for signing_interop_test to verify.
#
# usage: guide_pipelines.sh CERT_DIR OUT_DIR [MISTAKE]
#   CERT_DIR holds example_client_signing.cer/.key and example_client_tls.key (the guide's names)
#   MISTAKE  reproduces one item of the guide's troubleshooting list on purpose:
#            trailing_lf | upper_method | order | other_hash | tls_key | echo_digest | no_pss
set -euo pipefail

certPath="$1/"
out="$2"
mistake="${3:-none}"
mkdir -p "$out"

# ---------------------------------------------------------------------------------------------
# Application access token: Digest, Date, HTTP Signature ("c) Request an application access token")

payload="grant_type=client_credentials"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest
if [ "$mistake" = echo_digest ]; then
  payloadDigest=`echo "$payload" | openssl dgst -binary -sha256 | openssl base64`
  digest=SHA-256=$payloadDigest
fi

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

httpMethod="post"
reqPath="/oauth2/token"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signKeyFile="${certPath}example_client_signing.key"
case "$mistake" in
  trailing_lf) signingString="$signingString
" ;;
  upper_method) signingString="(request-target): POST $reqPath
date: $reqDate
digest: $digest" ;;
  order) signingString="date: $reqDate
(request-target): $httpMethod $reqPath
digest: $digest" ;;
  tls_key) signKeyFile="${certPath}example_client_tls.key" ;;
esac
digestAlg="-sha256"
if [ "$mistake" = other_hash ]; then digestAlg="-sha512"; fi
signature=`printf %s "$signingString" | openssl dgst $digestAlg -sign "$signKeyFile" -passin "pass:changeit" | openssl base64 -A`

keyId="SN=49BA5C71"
printf %s "$payload" > "$out/token_body"
printf %s "$digest" > "$out/token_digest"
printf %s "$reqDate" > "$out/token_date"
printf %s "$signature" > "$out/token_signature"
printf %s "Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" > "$out/token_authorization"

# TPP-Signature-Certificate exactly as the scripts send it.
signCertificate="${certPath}example_client_signing.cer"
signKey="${certPath}example_client_signing.key"
printf %s "$(tr -d "\n\r" < $signCertificate)" > "$out/tpp_signature_certificate"

# ---------------------------------------------------------------------------------------------
# Dynamic client registration: x-jws-signature ("1. GENERATE JWS SIGNATURE")
# (The guide's PDF renders the closing '"' of the quoted JSON as ''; the header below is the
# one its script produces, identical to standards.md §3.4.)

httpMethod="POST"
reqPath="/oauth2/applications"

payload="{ \"contact\": \"test@ingsandbox.com\", \"redirect_uris\":[ \"https://example.com\", \"https://another-example.com\"]}"

base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in $signCertificate | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')

sigT=$(date -u +"%Y-%m-%dT%H:%M:%SZ")

jwsAlg="PS256"
jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "sigD", "b64"], "sigT":"'"$sigT"'","sigD":{"pars":[ "(request-target)", "digest", "content-type" ],"mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"'"$jwsAlg"'"}'

jwsHeaderBase64URL=$(echo -n "$jwsHeader" | openssl base64 -e -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')

digest="SHA-256=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)"
if [ "$mistake" = echo_digest ]; then
  digest="SHA-256=$(echo "$payload" | openssl dgst -binary -sha256 | openssl base64)"
fi

lowerCaseHttpMethod=`echo $httpMethod | tr [:upper:] [:lower:]`
signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: application/json"
case "$mistake" in
  trailing_lf) signingString="$signingString
" ;;
  upper_method) signingString="(request-target): $httpMethod $reqPath
digest: $digest
content-type: application/json" ;;
  order) signingString="(request-target): $lowerCaseHttpMethod $reqPath
content-type: application/json
digest: $digest" ;;
esac

inputForSignatureValueComputation="$jwsHeaderBase64URL.$signingString"

jwsDigestAlg="-sha256"
if [ "$mistake" = other_hash ]; then jwsDigestAlg="-sha384"; fi
padding="-sigopt rsa_padding_mode:pss"
if [ "$mistake" = no_pss ]; then padding=""; fi
jwsSignatureValue=$(printf %s "$inputForSignatureValueComputation" | openssl dgst $jwsDigestAlg -sign $signKeyFile $padding | openssl base64 -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')

jwsSignature=$jwsHeaderBase64URL..$jwsSignatureValue

printf %s "$payload" > "$out/dcr_body"
printf %s "$digest" > "$out/dcr_digest"
printf %s "$jwsSignature" > "$out/dcr_jws"
printf %s "$jwsHeader" > "$out/dcr_jws_header"
