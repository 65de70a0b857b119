#!/bin/bash
# The guide's "Step 2: Retrieve your application's registered metadata" script. Changed from
# the guide: httpHost and the certificate paths (from the environment), the PDF's line breaks
# joined again, and the client_id's "1" and "e" that the PDF extraction turned into "l".
httpHost="${SANDBANK_HOST:?}"

# client_id as provided in the documentation
client_id="5ca1ab1e-c0ca-c01a-cafe-154deadbea75"

## THE SCRIPT USES THE DOWNLOADED EXAMPLE EIDAS CERTIFICATES
tlsCertificate="${SANDBANK_CERTS:?}/example_client_tls.cer"
tlsKey="${SANDBANK_CERTS}/example_client_tls.key"

# 1. REQUEST APPLICATION ACCESS TOKEN (MTLS)
httpMethod="POST"
reqPath="/oauth2/token"

payload="grant_type=client_credentials&client_id=${client_id}"

response=$(curl -k -vv -X "$httpMethod" "${httpHost}${reqPath}" \
    -H 'Accept: application/json' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "${payload}" \
    --cert $tlsCertificate \
    --key $tlsKey)

echo "$response" | jq '.'
access_token=`echo $response | jq -r '.access_token'`

# 2. GET APPLICATIONS' METADATA
httpMethod="GET"
reqPath="/oauth2/applications/"$client_id

response=$(curl -k -vv "$httpHost$reqPath" \
-H "Authorization: Bearer $access_token" \
--cert $tlsCertificate \
--key $tlsKey)

echo "$response" | jq '.'
