#!/bin/bash
# A payment initiation in the x-jws-signature form: an mTLS-only application token
# (client_credentials with client_id, no signature), then the guide's step 1 pipeline (JWS
# protected header, digest, signing string over (request-target) digest content-type, PS256
# with openssl) with only the path and payload changed. Prints the response body, then the
# status on a last line.
#   HOST, CERTS      sandbox URL; folder with example_client_{tls,signing}.{cer,key} and ca.cer
#   CLIENT_ID        the application whose token is requested
#   REQ_PATH, BODY   the payment path and payload
#   CONTENT_TYPE     default application/json (application/xml for a pain.001)
#   BREAK=signature  flip the JWS signature value; BREAK=header  a header without sigD
set -euo pipefail
certs="${CERTS:?}"
signCertificate="$certs/example_client_signing.cer"
signKey="$certs/example_client_signing.key"
tls=(--cacert "$certs/ca.cer" --cert "$certs/example_client_tls.cer" --key "$certs/example_client_tls.key")

token=$(curl -sS -X POST "$HOST/oauth2/token" "${tls[@]}" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  -d "grant_type=client_credentials&client_id=${CLIENT_ID:?}" |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')

httpMethod="POST"
reqPath="${REQ_PATH:?}"
payload="${BODY:?}"

base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in "$signCertificate" | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')
sigT=$(date -u +"%Y-%m-%dT%H:%M:%SZ")
jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "sigD", "b64"], "sigT":"'"$sigT"'","sigD":{"pars":[ "(request-target)", "digest", "content-type" ], "mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"}'
if [ "${BREAK:-}" = header ]; then
  jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "b64"], "sigT":"'"$sigT"'","alg":"PS256"}'
fi
jwsHeaderBase64URL=$(echo -n "$jwsHeader" | openssl base64 -e -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
digest="SHA-256=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)"
lowerCaseHttpMethod=$(echo $httpMethod | tr '[:upper:]' '[:lower:]')
signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: ${CONTENT_TYPE:-application/json}"
inputForSignatureValueComputation="$jwsHeaderBase64URL.$signingString"
jwsSignatureValue=$(printf %s "$inputForSignatureValueComputation" | openssl dgst -sha256 -sign "$signKey" -sigopt rsa_padding_mode:pss | openssl base64 -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
if [ "${BREAK:-}" = signature ]; then
  # Another valid base64url value of the same length: the signature no longer verifies.
  first=${jwsSignatureValue:0:1}
  [ "$first" = A ] && repl=B || repl=A
  jwsSignatureValue="$repl${jwsSignatureValue:1}"
fi
jwsSignature=$jwsHeaderBase64URL..$jwsSignatureValue

curl -sS -X "$httpMethod" "$HOST$reqPath" "${tls[@]}" \
  -H "Content-Type: ${CONTENT_TYPE:-application/json}" \
  -H "Digest: $digest" \
  -H "x-jws-signature: $jwsSignature" \
  -H "TPP-Signature-Certificate: $(tr -d "\n\r" < "$signCertificate")" \
  -H "X-Request-ID: $(cat /proc/sys/kernel/random/uuid)" \
  -H "TPP-Redirect-URI: https://example.com/redirect" \
  -H "PSU-IP-Address: 37.44.220.0" \
  -H "Authorization: Bearer $token" \
  -w '\n%{http_code}' \
  -d "$payload"
