#pragma once

// The sandbox's own PKI, kept in the data directory's certs/ folder: a root CA, the TLS server
// certificate, and the guide's four example TPP files (example_client_tls.cer/.key,
// example_client_signing.cer/.key). Also issues further TPP certificate pairs on request.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/certificate.hpp"
#include "crypto/keys.hpp"
#include "crypto/pki.hpp"

namespace sandbank::crypto {

inline constexpr std::string_view kSandboxCaName = "Sandbank Sandbox Root CA";
inline constexpr std::string_view kExampleTppOrganization = "Sandbank Example TPP";
inline constexpr std::string_view kExampleTppOrganizationIdentifier = "PSDNL-SBX-1234512345";
// The example signing certificate's serial, so the guide's keyId is "SN=49BA5C71".
inline constexpr std::uint32_t kExampleSigningSerial = 0x49BA5C71;
inline constexpr std::uint32_t kExampleTlsSerial = 0x5A4D1C3B;

// File locations inside a certs/ folder.
struct SandboxPkiPaths {
  std::filesystem::path dir;
  std::filesystem::path ca_cert;       // ca.cer
  std::filesystem::path ca_key;        // ca.key
  std::filesystem::path server_cert;   // server.cer
  std::filesystem::path server_key;    // server.key
  std::filesystem::path tls_cert;      // example_client_tls.cer (QWAC)
  std::filesystem::path tls_key;       // example_client_tls.key
  std::filesystem::path signing_cert;  // example_client_signing.cer (QSealC)
  std::filesystem::path signing_key;   // example_client_signing.key
  std::filesystem::path marker;        // .complete, written last

  static SandboxPkiPaths in(const std::filesystem::path& certs_dir);
  // Every file except the marker, in creation order.
  std::vector<std::filesystem::path> files() const;
};

struct SandboxPki {
  Certificate ca;
  PrivateKey ca_key;
  Certificate server;
  PrivateKey server_key;
  Certificate example_tls;  // QWAC of the guide's example TPP
  PrivateKey example_tls_key;
  Certificate example_signing;  // QSealC of the guide's example TPP
  PrivateKey example_signing_key;
  SandboxPkiPaths paths;
};

// Makes the key pairs for new certificates: KeyType::Rsa gives RSA-2048, KeyType::Ec P-256.
// The functions below use fresh keys when none is given; tests may pass pre-made keys.
using KeyGenerator = std::function<PrivateKey(KeyType)>;
PrivateKey generate_key(KeyType type);

// True when certs_dir holds a completely written PKI (its marker file exists).
bool sandbox_pki_complete(const std::filesystem::path& certs_dir);

// Creates the PKI in certs_dir (created if missing). The server certificate covers localhost,
// 127.0.0.1 and ::1 plus server_names (host names or IP addresses). Files are written
// atomically, keys with mode 0600, the marker last. Refuses (Error "pki.exists") to overwrite
// any existing file.
SandboxPki create_sandbox_pki(const std::filesystem::path& certs_dir,
                              const std::vector<std::string>& server_names, TimePoint now,
                              RandomSource& random, const KeyGenerator& keys = {});

// The PKI's eight files as certs/ holds them (no marker): the file name ("ca.cer", ...) and
// its content, in creation order. What nodes sharing a store share (docs/deployment.md).
struct SandboxPkiFile {
  std::string name;
  std::string content;

  friend bool operator==(const SandboxPkiFile&, const SandboxPkiFile&) = default;
};
using SandboxPkiFiles = std::vector<SandboxPkiFile>;

// A new PKI in memory, as create_sandbox_pki makes it.
SandboxPkiFiles generate_sandbox_pki_files(const std::vector<std::string>& server_names,
                                           TimePoint now, RandomSource& random,
                                           const KeyGenerator& keys = {});

// The files of the PKI in certs_dir, once load_sandbox_pki found it complete and sound.
SandboxPkiFiles read_sandbox_pki_files(const std::filesystem::path& certs_dir);

// Puts a PKI's files into certs_dir (created if missing): writes the missing ones atomically
// (keys with mode 0600; only while the marker is absent, i.e. a first copy or one that was
// interrupted), keeps those already there with the same content, writes the marker last, then
// loads the PKI as load_sandbox_pki does. Throws "pki.damaged" when `files` is not the eight
// files of a PKI or a complete folder lost a file, and "pki.conflict" when certs_dir holds one
// of them with another content (another PKI): nothing is overwritten.
SandboxPki materialise_sandbox_pki(const std::filesystem::path& certs_dir,
                                   const SandboxPkiFiles& files, TimePoint now);

// Loads and checks a PKI: every file present and parseable, keys match their certificates,
// the other certificates are signed by ca.cer. Throws Error "pki.missing" when the folder
// holds no PKI at all and "pki.damaged" (naming the file) when it is incomplete or broken.
SandboxPki load_sandbox_pki(const std::filesystem::path& certs_dir);

// First start and later starts: loads a complete PKI, creates one when the folder holds none
// of its files, and throws "pki.damaged" for a half-written folder rather than overwrite it.
SandboxPki open_sandbox_pki(const std::filesystem::path& certs_dir,
                            const std::vector<std::string>& server_names, TimePoint now,
                            RandomSource& random, const KeyGenerator& keys = {});

// A TPP's QWAC (TLS client) and QSealC (signing) certificates issued by the sandbox CA.
struct IssuedTpp {
  Certificate tls;
  Certificate signing;
  PrivateKey tls_key;
  PrivateKey signing_key;
};

// key_type: KeyType::Rsa gives RSA-2048 keys, KeyType::Ec P-256 keys. An empty
// organization_identifier gets a unique "PSDNL-SBX-" + 10 random digits. The NCA id follows
// the organizationIdentifier ("PSDDE-BAFIN-1" gives "DE-BAFIN"), defaulting to NL-SBX.
// Valid two years from now.
IssuedTpp issue_tpp_pair(const SandboxPki& pki, const std::string& organization,
                         const std::string& organization_identifier,
                         const std::vector<Psd2Role>& roles, KeyType key_type, TimePoint now,
                         RandomSource& random, const KeyGenerator& keys = {});

// A UK Open Banking (OBIE) style pair, OBWac (TLS) and OBSeal (signing), issued by a new test
// issuing CA of its own (returned, to be trusted with `serve --trust`): subject C=GB, O=org,
// OU and CN the Open Banking organisation id, organizationIdentifier "PSDGB-FCA-" + 6 random
// digits unless given, NCA "Financial Conduct Authority" (GB-FCA) or as the identifier says,
// the PSD2 statement with the roles and no eIDAS QcCompliance/QcType. Valid two years.
struct IssuedObiePair {
  IssuedTpp pair;
  Certificate ca;
  PrivateKey ca_key;
};
IssuedObiePair issue_obie_pair(const std::string& organization,
                               const std::string& organization_identifier,
                               const std::vector<Psd2Role>& roles, KeyType key_type, TimePoint now,
                               RandomSource& random, const KeyGenerator& keys = {});
// write_tpp_pair plus the issuing CA as ca.cer / ca.key.
void write_obie_pair(const IssuedObiePair& issued, const std::filesystem::path& out_dir);

// Writes tls.cer, tls.key, signing.cer, signing.key into out_dir (created if missing); keys
// with mode 0600. Refuses (Error "pki.exists") to overwrite existing files.
void write_tpp_pair(const IssuedTpp& pair, const std::filesystem::path& out_dir);

// Human-readable summary for `sandbank certs show FILE`: serial (and keyId), SHA-256
// fingerprint as colon-free upper-case hex and as base64url (x5t#S256), subject, issuer,
// validity, organizationIdentifier, QcType, PSD2 roles, NCA, key.
std::string describe_certificate(const Certificate& cert);

}  // namespace sandbank::crypto
