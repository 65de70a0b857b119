#include "http/client.hpp"

#include <curl/curl.h>

#include <mutex>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "http/codes.hpp"

namespace sandbank::http {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Collect {
  ClientResponse* response;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collect*>(user);
  c->response->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collect*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100 Continue or an interim answer): start over.
    c->response->headers.clear();
    auto space = line.find(' ');
    c->response->http_version = std::string(line.substr(0, space));
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  c->response->headers.emplace_back(std::string(line.substr(0, colon)),
                                    std::string(trim_ows(line.substr(colon + 1))));
  return size * n;
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

Client::Client(ClientOptions options) : options_(std::move(options)) {
  global_init();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw Error(500, codes::kHttpTransport, "libcurl could not be initialised");
}

Client::~Client() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

ClientResponse Client::request(std::string_view method, const std::string& url,
                               const HeaderList& headers, std::string_view body) {
  auto* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  ClientResponse response;
  Collect collect{&response};
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                   options_.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collect);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &collect);
  // Exactly the body given: no decoding of content-encodings we did not ask for.
  curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);

  if (!options_.tls_cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options_.tls_cert.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!options_.tls_key.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEY, options_.tls_key.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  std::string upper = to_upper(method);
  if (upper == "GET" && body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (upper == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (upper != "GET" || !body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    if (upper != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, upper.c_str());
  }

  // Our headers only: suppress the ones libcurl would add on its own.
  curl_slist* list = nullptr;
  bool has_accept = false, has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Accept")) has_accept = true;
    if (iequals(name, "Content-Type")) has_content_type = true;
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_slist_append(list, line.c_str());
  }
  if (!has_accept) list = curl_slist_append(list, "Accept:");
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  list = curl_slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, SlistFree> guard(list);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

  CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    std::string why = error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc);
    std::string hint;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
      hint = " (is the server's CA file right? --ca FILE, or --insecure to skip the check)";
    } else if (rc == CURLE_SSL_CERTPROBLEM) {
      hint = " (check the TLS certificate and key files)";
    }
    throw Error(502, codes::kHttpTransport, std::string(method) + " " + url + ": " + why + hint);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace sandbank::http
