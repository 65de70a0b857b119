#include "http/tls_records.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <cstring>

namespace sandbank::http {

namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// A write-only BIO that appends what OpenSSL writes to the std::string it holds.
int string_bio_write(BIO* bio, const char* data, int size) {
  if (size <= 0) return 0;
  static_cast<std::string*>(BIO_get_data(bio))->append(data, static_cast<std::size_t>(size));
  return size;
}

long string_bio_ctrl(BIO*, int command, long, void*) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

// A read-only BIO over the records in a flat_buffer: OpenSSL reads them from where the socket
// put them, no copy into a BIO pair first.
int buffer_bio_read(BIO* bio, char* out, int size) {
  BIO_clear_retry_flags(bio);
  auto* in = static_cast<beast::flat_buffer*>(BIO_get_data(bio));
  if (size <= 0) return 0;
  if (in->size() == 0) {
    BIO_set_retry_read(bio);  // more is on its way: SSL_read answers SSL_ERROR_WANT_READ
    return -1;
  }
  const std::size_t n = std::min(in->size(), static_cast<std::size_t>(size));
  std::memcpy(out, in->data().data(), n);
  in->consume(n);
  return static_cast<int>(n);
}

long buffer_bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING:
      return static_cast<long>(static_cast<beast::flat_buffer*>(BIO_get_data(bio))->size());
    default:
      return 0;
  }
}

// A BIO method of ours (created once): `read` or `write` may be null.
BIO_METHOD* new_bio_method(const char* name, int (*read)(BIO*, char*, int),
                           int (*write)(BIO*, const char*, int),
                           long (*ctrl)(BIO*, int, long, void*)) {
  BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, name);
  if (!m) return nullptr;
  if (read) BIO_meth_set_read(m, read);
  if (write) BIO_meth_set_write(m, write);
  BIO_meth_set_ctrl(m, ctrl);
  BIO_meth_set_create(m, [](BIO* b) {
    BIO_set_init(b, 1);
    return 1;
  });
  return m;
}

const BIO_METHOD* string_bio_method() {
  static BIO_METHOD* method =
      new_bio_method("sandbank-records-out", nullptr, string_bio_write, string_bio_ctrl);
  return method;
}

const BIO_METHOD* buffer_bio_method() {
  static BIO_METHOD* method =
      new_bio_method("sandbank-records-in", buffer_bio_read, nullptr, buffer_bio_ctrl);
  return method;
}

bool write_all(SSL* ssl, std::string_view text) {
  while (!text.empty()) {
    int n =
        SSL_write(ssl, text.data(), static_cast<int>(std::min<std::size_t>(text.size(), 1 << 30)));
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

BioSwap::BioSwap(SSL* ssl, BIO* read, BIO* write) : ssl_(ssl) {
  if (read) {
    own_read_ = SSL_get_rbio(ssl);
    BIO_up_ref(own_read_);  // the reference SSL_set0_rbio frees now comes back with it
    BIO_up_ref(read);       // the SSL's while it reads; the caller keeps its own
    SSL_set0_rbio(ssl, read);
  }
  if (write) {
    own_write_ = SSL_get_wbio(ssl);
    BIO_up_ref(own_write_);
    BIO_up_ref(write);
    SSL_set0_wbio(ssl, write);
  }
}

BioSwap::~BioSwap() {
  if (own_read_) SSL_set0_rbio(ssl_, own_read_);
  if (own_write_) SSL_set0_wbio(ssl_, own_write_);
}

bool TlsRecords::ensure_out_bio() {
  if (!out_bio_) {
    out_bio_.reset(BIO_new(string_bio_method()));
    if (!out_bio_) return false;
    BIO_set_data(out_bio_.get(), &to_send_);
  }
  return true;
}

bool TlsRecords::ensure_in_bio() {
  if (!in_bio_) {
    in_bio_.reset(BIO_new(buffer_bio_method()));
    if (!in_bio_) return false;
    BIO_set_data(in_bio_.get(), &received_);
  }
  return true;
}

std::size_t TlsRecords::decrypt(SSL* ssl, beast::flat_buffer& plain, std::size_t read_chunk,
                                std::size_t max_bytes, error_code& ec) {
  ec = {};
  BIO* own_in = SSL_get_rbio(ssl);
  if (!own_in) {
    ec = boost::asio::error::operation_not_supported;
    return 0;
  }
  // Records the client sent right behind its handshake sit in the SSL object's own BIO.
  while (BIO_ctrl_pending(own_in) > 0) {
    auto room = received_.prepare(read_chunk);
    int n = BIO_read(own_in, room.data(), static_cast<int>(room.size()));
    if (n <= 0) break;
    received_.commit(static_cast<std::size_t>(n));
  }
  if (!ensure_in_bio()) {
    ec = boost::asio::error::no_memory;
    return 0;
  }
  BIO* own_out = SSL_get_wbio(ssl);
  const bool capture_output = own_out && BIO_ctrl_wpending(own_out) == 0 && ensure_out_bio();
  to_send_.clear();
  std::size_t added = 0;
  int error = SSL_ERROR_NONE;
  {
    BioSwap swap(ssl, in_bio_.get(), capture_output ? out_bio_.get() : nullptr);
    while (added < max_bytes) {
      auto room = plain.prepare(read_chunk);
      int n = SSL_read(ssl, room.data(), static_cast<int>(room.size()));
      if (n <= 0) {
        error = SSL_get_error(ssl, n);
        break;
      }
      plain.commit(static_cast<std::size_t>(n));
      added += static_cast<std::size_t>(n);
    }
  }
  if (error == SSL_ERROR_ZERO_RETURN) {
    ec = boost::asio::error::eof;  // close_notify
  } else if (error != SSL_ERROR_NONE && error != SSL_ERROR_WANT_READ) {
    ec = boost::asio::error::connection_aborted;
    unsigned long code = ERR_get_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    failure_ = code ? (reason ? reason : "unknown") : "no OpenSSL error";
    ERR_clear_error();
  }
  if (added > 0) ec = {};  // a request before the close is still answered
  return added;
}

TlsRecords::Encrypted TlsRecords::encrypt(SSL* ssl, std::string_view head, std::string_view body) {
  BIO* own_out = SSL_get_wbio(ssl);
  if (!own_out || BIO_ctrl_wpending(own_out) != 0 || !ensure_out_bio()) {
    return Encrypted::kUseStream;
  }
  to_send_.clear();
  to_send_.reserve(head.size() + body.size() + 256);
  bool ok;
  {
    BioSwap swap(ssl, nullptr, out_bio_.get());
    ok = write_all(ssl, head) && write_all(ssl, body);
  }
  if (!ok) {
    ERR_clear_error();
    return Encrypted::kFailed;
  }
  return Encrypted::kDone;
}

}  // namespace sandbank::http
