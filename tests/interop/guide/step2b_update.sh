#!/bin/bash
# The guide's "2b. Update the registered application's metadata" script. Changed from the
# guide: httpHost and the certificate paths (from the environment), the PDF's line breaks
# joined again, and the client_id's "1" and "e" that the PDF extraction turned into "l".
httpHost="${SANDBANK_HOST:?}"

# client_id as provided in the documentation
client_id="5ca1ab1e-c0ca-c01a-cafe-154deadbea75"

## THE SCRIPT USES THE DOWNLOADED EXAMPLE EIDAS CERTIFICATES
signCertificate="${SANDBANK_CERTS:?}/example_client_signing.cer"
signKey="${SANDBANK_CERTS}/example_client_signing.key"
tlsCertificate="${SANDBANK_CERTS}/example_client_tls.cer"
tlsKey="${SANDBANK_CERTS}/example_client_tls.key"

# 1. REQUEST APPLICATION ACCESS TOKEN (MTLS)
httpMethod="POST"
reqPath="/oauth2/token"

tokenPayload="grant_type=client_credentials&client_id=${client_id}"

response=$(curl -k -vv -X "$httpMethod" "${httpHost}${reqPath}" \
-H 'Accept: application/json' \
-H 'Content-Type: application/x-www-form-urlencoded' \
    -d "${tokenPayload}" \
    --cert $tlsCertificate \
    --key $tlsKey)

echo $response | jq '.'
access_token=`echo $response | jq -r '.access_token'`

# 2. GENERATE JWS SIGNATURE
httpMethod="PUT"
reqPath="/oauth2/applications/"$client_id

updatePayload="{ \"contact\": \"test@ingsandbox.com\", \"redirect_uris\":[ \"https://example.com\", \"https://another-example.com\"]}"

echo Creating x-jws-signature for calling "$httpMethod" "$reqPath" with payload "$updatePayload"

base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in $signCertificate | cut -d'=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo Base64url for the signing certificate: "$base64UrlFingerprint"

sigT=$(date -u +"%Y-%m-%dT%H:%M:%SZ")
echo Current signing time: "$sigT"

jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "sigD", "b64"], "sigT":"'"$sigT"'","sigD":{"pars":[ "(request-target)", "digest", "content-type" ], "mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"}'
echo JWS Protected Header: "$jwsHeader"

jwsHeaderBase64URL=$(echo -n "$jwsHeader" | openssl base64 -e -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo Encoded JWS Protected Header: "$jwsHeaderBase64URL"

digest="SHA-256=$(echo -n "$updatePayload" | openssl dgst -binary -sha256 | openssl base64)"
echo Digest of HTTP Body: "$digest"

lowerCaseHttpMethod=`echo $httpMethod | tr [:upper:] [:lower:]`

signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: application/json"
echo HTTP Headers to be signed: "$signingString"

inputForSignatureValueComputation="$jwsHeaderBase64URL.$signingString"

jwsSignatureValue=$(printf %s "$inputForSignatureValueComputation" | openssl dgst -sha256 -sign $signKey -sigopt rsa_padding_mode:pss | openssl base64 -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo JWS Signature Value: "$jwsSignatureValue"

jwsSignature=$jwsHeaderBase64URL..$jwsSignatureValue
echo x-jws-signature: "$jwsSignature"

# 3. UPDATE APPLICATION'S METADATA
response=$(curl -k -vv -X "$httpMethod" "${httpHost}${reqPath}" \
    -H 'Content-Type: application/json' \
    -H "Digest: $digest" \
    -H "x-jws-signature: $jwsSignature" \
    -H "TPP-Signature-Certificate: $(tr -d "\n\r" < $signCertificate)" \
    -H "Authorization: Bearer $access_token" \
    -d "$updatePayload" \
    --cert $tlsCertificate \
    --key $tlsKey)

echo "$response" | jq '.'
