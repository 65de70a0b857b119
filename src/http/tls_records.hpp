#pragma once

// The TLS record layer of a server connection, below asio's SSL stream: the records of requests
// are decrypted from the connection's own buffer and the records of responses encrypted into
// one string that leaves in one send, both with the connection's SSL object directly, which
// reads and writes through BIOs of ours for the length of the call (BioSwap). Asio's stream
// keeps the handshake and the shutdown. Internal to src/http (Connection in server.cpp).

#include <openssl/ssl.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sandbank::http {

// For its lifetime the SSL object reads records from `read` and writes them to `write` (a null
// one leaves that side as it is); its own BIOs come back when the guard ends. SSL_set0_rbio and
// SSL_set0_wbio each free one reference of the BIO they replace, so the guard takes a reference
// of the SSL's BIO (handed back with it) and gives the SSL one of ours (freed when ours comes
// out); the caller's reference to its BIO is untouched.
class BioSwap {
 public:
  BioSwap(SSL* ssl, BIO* read, BIO* write);
  ~BioSwap();
  BioSwap(const BioSwap&) = delete;
  BioSwap& operator=(const BioSwap&) = delete;

 private:
  SSL* ssl_;
  BIO* own_read_ = nullptr;  // the SSL's, while ours is in; null when that side is not swapped
  BIO* own_write_ = nullptr;
};

class TlsRecords {
 public:
  TlsRecords() = default;
  // The BIOs point into this object: it stays where it is.
  TlsRecords(const TlsRecords&) = delete;
  TlsRecords& operator=(const TlsRecords&) = delete;

  // Records received and not decrypted yet: the socket reads into it.
  boost::beast::flat_buffer& received() { return received_; }
  // Records to send: those of a response (encrypt), or what OpenSSL answered while it read
  // (decrypt: the alert refusing a TLS 1.2 renegotiation). The caller sends them and clears the
  // string. (A TLS 1.3 KeyUpdate a client asks for leaves in front of the next response.)
  std::string& to_send() { return to_send_; }

  // Decrypts the records received (first moving over any the SSL object's own BIO still holds:
  // those a client sends right behind its handshake) into `plain`, `read_chunk` bytes per
  // SSL_read, and stops once `max_bytes` were added so that the parser consumes them before more
  // is decrypted. Returns the plaintext bytes added; an incomplete record waits in received().
  // `ec`: eof when the client closed the TLS session (close_notify), connection_aborted when a
  // record is bad (failure() says why) — but clear when something was added, since a request
  // before the end is still answered. What OpenSSL writes while reading goes to to_send()
  // (cleared first) unless the SSL object's own BIO still holds output that must leave first.
  std::size_t decrypt(SSL* ssl, boost::beast::flat_buffer& plain, std::size_t read_chunk,
                      std::size_t max_bytes, boost::system::error_code& ec);

  enum class Encrypted {
    kDone,       // the records of head and body are in to_send()
    kUseStream,  // nothing written: the SSL object's own BIO still holds output, which must
                 // leave first, so the caller writes through asio's SSL stream instead
    kFailed,     // SSL_write failed: the connection must close
  };
  // Encrypts `head`, then `body`, from where they are into to_send() (cleared first).
  Encrypted encrypt(SSL* ssl, std::string_view head, std::string_view body);

  // Why the last decrypt failed (OpenSSL's reason), after it set connection_aborted.
  const std::string& failure() const { return failure_; }

  // Frees the buffer of to_send() when it is larger than `keep` bytes (after a long response).
  // (Not `to_send_ = {}`: that assigns an empty initializer list and keeps the capacity.)
  void release_above(std::size_t keep) {
    if (to_send_.capacity() > keep) std::string().swap(to_send_);
  }

 private:
  bool ensure_out_bio();
  bool ensure_in_bio();

  struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
  };
  boost::beast::flat_buffer received_;
  std::string to_send_;
  std::unique_ptr<BIO, BioFree> in_bio_;   // reads from received_
  std::unique_ptr<BIO, BioFree> out_bio_;  // appends to to_send_
  std::string failure_;
};

}  // namespace sandbank::http
