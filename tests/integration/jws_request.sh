#!/bin/bash
# POST /oauth2/applications or PUT /oauth2/applications/{id} with a payload from the
# environment, signed (x-jws-signature, Digest, TPP-Signature-Certificate) with the pipeline of
# the guide's step 1 and 2b scripts (tests/interop/guide). Prints the response body, then the
# status on a last line.
#   SANDBANK_HOST    sandbox URL
#   SANDBANK_CERTS   folder with example_client_tls.{cer,key} (the connection) and ca.cer
#   SIGN_CERTS       folder with example_client_signing.{cer,key} (default SANDBANK_CERTS)
#   METHOD           PUT (default) or POST
#   CLIENT_ID        the application to update (PUT)
#   PAYLOAD          the JSON body
#   ACCESS_TOKEN     PUT only: the mTLS application token (default: requested over the
#                    connection's certificate with client_credentials and CLIENT_ID)
set -euo pipefail
httpHost="${SANDBANK_HOST:?}"
certs="${SANDBANK_CERTS:?}"
signCerts="${SIGN_CERTS:-$certs}"

signCertificate="$signCerts/example_client_signing.cer"
signKey="$signCerts/example_client_signing.key"
tlsCertificate="$certs/example_client_tls.cer"
tlsKey="$certs/example_client_tls.key"
caCertificate="$certs/ca.cer"

httpMethod="${METHOD:-PUT}"
payload="${PAYLOAD:?}"
if [ "$httpMethod" = POST ]; then
  reqPath="/oauth2/applications"
else
  reqPath="/oauth2/applications/${CLIENT_ID:?}"
fi

access_token="${ACCESS_TOKEN:-}"
if [ "$httpMethod" != POST ] && [ -z "$access_token" ]; then
  response=$(curl -sS -X POST "${httpHost}/oauth2/token" \
    -H 'Accept: application/json' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "grant_type=client_credentials&client_id=${CLIENT_ID}" \
    --cacert "$caCertificate" --cert "$tlsCertificate" --key "$tlsKey")
  access_token=$(echo "$response" | jq -r '.access_token')
fi

# The guide's JWS pipeline: header with x5t#S256 of the signing certificate, detached
# unencoded payload over (request-target), digest and content-type, PS256.
base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in "$signCertificate" | cut -d'=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')

sigT=$(date -u +"%Y-%m-%dT%H:%M:%SZ")

jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "sigD", "b64"], "sigT":"'"$sigT"'","sigD":{"pars":[ "(request-target)", "digest", "content-type" ], "mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"}'

jwsHeaderBase64URL=$(echo -n "$jwsHeader" | openssl base64 -e -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')

digest="SHA-256=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)"

lowerCaseHttpMethod=$(echo "$httpMethod" | tr '[:upper:]' '[:lower:]')

signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: application/json"

inputForSignatureValueComputation="$jwsHeaderBase64URL.$signingString"

jwsSignatureValue=$(printf %s "$inputForSignatureValueComputation" | openssl dgst -sha256 -sign "$signKey" -sigopt rsa_padding_mode:pss | openssl base64 -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')

jwsSignature=$jwsHeaderBase64URL..$jwsSignatureValue

args=(-sS -X "$httpMethod" "${httpHost}${reqPath}"
      -H 'Content-Type: application/json'
      -H "Digest: $digest"
      -H "x-jws-signature: $jwsSignature"
      -H "TPP-Signature-Certificate: $(tr -d "\n\r" < "$signCertificate")"
      --cacert "$caCertificate" --cert "$tlsCertificate" --key "$tlsKey"
      -w '\n%{http_code}')
[ -z "$access_token" ] || args+=(-H "Authorization: Bearer $access_token")
args+=(-d "$payload")
curl "${args[@]}"
