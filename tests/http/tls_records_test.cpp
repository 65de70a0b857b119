// The TLS record layer (tls_records.hpp) between two SSL objects in memory: the server's as
// a listener makes it (make_server_tls_context, over a BIO pair as asio's SSL stream has it),
// and a client's. No socket: the tests carry the records from one to the other by hand.

#include "http/tls_records.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <cstring>
#include <string>

#include "http/tls_context.hpp"
#include "http_test_support.hpp"

namespace sandbank::http {
namespace {

using boost::system::error_code;
using test::TestPki;

constexpr std::size_t kChunk = 16 * 1024 + 512;

std::string text_of(const boost::beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

void append(boost::beast::flat_buffer& b, std::string_view bytes) {
  auto room = b.prepare(bytes.size());
  std::memcpy(room.data(), bytes.data(), bytes.size());
  b.commit(bytes.size());
}

// A client and a server SSL object joined by memory. The server's SSL sits on one end of a BIO
// pair (as asio's engine keeps it); `server_net` is the other end. The client reads from
// `client_in` and writes to `client_out`, two memory BIOs.
class TlsPair {
 public:
  explicit TlsPair(int max_version = TLS1_3_VERSION) {
    const auto& pki = TestPki::get();
    TlsConfig config;
    config.certificate_chain_file = pki.server_cert;
    config.private_key_file = pki.server_key;
    server_context_ = detail::make_server_tls_context(config, "test");
    server_ = SSL_new(server_context_->native_handle());
    BIO* inside = nullptr;
    BIO_new_bio_pair(&inside, 0, &server_net_, 0);
    SSL_set_bio(server_, inside, inside);
    SSL_set_accept_state(server_);

    client_context_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(client_context_, max_version);
    SSL_CTX_set_verify(client_context_, SSL_VERIFY_NONE, nullptr);
    client_ = SSL_new(client_context_);
    client_in_ = BIO_new(BIO_s_mem());
    client_out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(client_, client_in_, client_out_);
    SSL_set_connect_state(client_);
  }
  ~TlsPair() {
    SSL_free(client_);
    SSL_CTX_free(client_context_);
    SSL_free(server_);  // frees its end of the pair; the BioSwap references must balance
    BIO_free(server_net_);
  }

  // Runs the handshake through the BIO pair, as asio's stream does it.
  bool handshake() {
    for (int i = 0; i < 20; ++i) {
      int c = SSL_do_handshake(client_);
      carry_client_to_server_engine();
      int s = SSL_do_handshake(server_);
      carry_server_engine_to_client();
      if (c == 1 && s == 1) return true;
    }
    return false;
  }

  // What the client has written since the last call: its records.
  std::string client_records() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = BIO_read(client_out_, buf, sizeof buf)) > 0) out.append(buf, n);
    return out;
  }
  std::string client_send(std::string_view plain) {
    EXPECT_EQ(SSL_write(client_, plain.data(), static_cast<int>(plain.size())),
              static_cast<int>(plain.size()));
    return client_records();
  }
  // Gives the client records and returns all the plaintext it can read from them.
  std::string client_receive(std::string_view records) {
    BIO_write(client_in_, records.data(), static_cast<int>(records.size()));
    std::string out;
    char buf[16384];
    for (;;) {
      int n = SSL_read(client_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, n);
    }
    return out;
  }

  SSL* server() { return server_; }
  SSL* client() { return client_; }

  void carry_client_to_server_engine() {
    auto records = client_records();
    if (!records.empty()) BIO_write(server_net_, records.data(), static_cast<int>(records.size()));
  }
  void carry_server_engine_to_client() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = BIO_read(server_net_, buf, sizeof buf)) > 0) out.append(buf, n);
    if (!out.empty()) BIO_write(client_in_, out.data(), static_cast<int>(out.size()));
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> server_context_;
  SSL* server_ = nullptr;
  BIO* server_net_ = nullptr;
  SSL_CTX* client_context_ = nullptr;
  SSL* client_ = nullptr;
  BIO* client_in_ = nullptr;
  BIO* client_out_ = nullptr;
};

TEST(TlsRecords, DecryptsARequestAndEncryptsTheAnswerInOneString) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  BIO* engine_read = SSL_get_rbio(pair.server());
  BIO* engine_write = SSL_get_wbio(pair.server());
  TlsRecords records;
  append(records.received(), pair.client_send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  boost::beast::flat_buffer plain;
  error_code ec;
  EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 33u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(text_of(plain), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(records.received().size(), 0u);
  EXPECT_TRUE(records.to_send().empty());  // nothing to answer on the TLS level

  ASSERT_EQ(records.encrypt(pair.server(), "HTTP/1.1 200 OK\r\n\r\n", "body"),
            TlsRecords::Encrypted::kDone);
  EXPECT_FALSE(records.to_send().empty());
  EXPECT_EQ(pair.client_receive(records.to_send()), "HTTP/1.1 200 OK\r\n\r\nbody");
  // The SSL object reads and writes through its own BIOs again.
  EXPECT_EQ(SSL_get_rbio(pair.server()), engine_read);
  EXPECT_EQ(SSL_get_wbio(pair.server()), engine_write);
}

TEST(TlsRecords, RecordsSentRightBehindTheHandshakeAreTakenFromTheEngine) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  // The request reaches the engine's BIO pair, as when asio read it with the handshake's end.
  ASSERT_EQ(SSL_write(pair.client(), "GET /early HTTP/1.1\r\n\r\n", 23), 23);
  pair.carry_client_to_server_engine();
  TlsRecords records;
  boost::beast::flat_buffer plain;
  error_code ec;
  EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 23u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(text_of(plain), "GET /early HTTP/1.1\r\n\r\n");
}

TEST(TlsRecords, APartialRecordWaitsForItsRest) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  auto wire = pair.client_send("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  TlsRecords records;
  boost::beast::flat_buffer plain;
  error_code ec;
  append(records.received(), std::string_view(wire).substr(0, wire.size() / 2));
  EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
  EXPECT_FALSE(ec);  // not an error: more is on its way
  EXPECT_EQ(plain.size(), 0u);
  append(records.received(), std::string_view(wire).substr(wire.size() / 2));
  EXPECT_GT(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(text_of(plain), "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
}

TEST(TlsRecords, RecordsSplitAcrossReadsByteByByteGiveTheSamePlaintext) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  std::string sent;
  std::string wire;
  for (int i = 0; i < 3; ++i) {
    std::string part = "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    sent += part;
    wire += pair.client_send(part);  // one record each
  }
  TlsRecords records;
  boost::beast::flat_buffer plain;
  for (char c : wire) {
    append(records.received(), std::string_view(&c, 1));
    error_code ec;
    records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec);
    ASSERT_FALSE(ec);
  }
  EXPECT_EQ(text_of(plain), sent);
}

TEST(TlsRecords, DecryptStopsAfterItsBudgetAndGoesOnWhereItStopped) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  std::string body(200 * 1024, 'b');
  TlsRecords records;
  for (std::size_t at = 0; at < body.size(); at += 16384) {
    append(records.received(), pair.client_send(std::string_view(body).substr(at, 16384)));
  }
  boost::beast::flat_buffer plain;
  error_code ec;
  const std::size_t first = records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec);
  EXPECT_GE(first, 4 * kChunk - kChunk);
  EXPECT_LT(first, body.size());
  EXPECT_GT(records.received().size(), 0u);
  while (records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec) > 0) {
  }
  EXPECT_FALSE(ec);
  EXPECT_EQ(text_of(plain), body);
}

TEST(TlsRecords, ALargeBodyIsEncryptedFromWhereItIsIntoRecordsThatLeaveTogether) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n";
  std::string body(1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  TlsRecords records;
  ASSERT_EQ(records.encrypt(pair.server(), head, body), TlsRecords::Encrypted::kDone);
  // 65 records of at most 16 KB each, with their headers and tags: the body's size and a little.
  EXPECT_GT(records.to_send().size(), head.size() + body.size());
  EXPECT_LT(records.to_send().size(), head.size() + body.size() + 65 * 64);
  EXPECT_EQ(pair.client_receive(records.to_send()), head + body);
  // After a long response the buffer goes (an idle connection does not keep it); a short one's
  // stays for the next response.
  records.release_above(16 * 1024);
  EXPECT_LT(records.to_send().capacity(), 16u * 1024);
  ASSERT_EQ(records.encrypt(pair.server(), head, ""), TlsRecords::Encrypted::kDone);
  const auto kept = records.to_send().capacity();
  records.release_above(16 * 1024);
  EXPECT_EQ(records.to_send().capacity(), kept);
}

TEST(TlsRecords, AKeyUpdateTheClientAsksForIsAnsweredInFrontOfTheNextResponse) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  ASSERT_EQ(SSL_version(pair.server()), TLS1_3_VERSION);
  ASSERT_EQ(SSL_key_update(pair.client(), SSL_KEY_UPDATE_REQUESTED), 1);
  auto wire = pair.client_send("GET /after-update HTTP/1.1\r\n\r\n");
  TlsRecords records;
  append(records.received(), wire);
  boost::beast::flat_buffer plain;
  error_code ec;
  EXPECT_GT(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(text_of(plain), "GET /after-update HTTP/1.1\r\n\r\n");
  // OpenSSL answers the client's request with a KeyUpdate of its own in front of the next
  // records it writes, the response's: nothing is written while it reads.
  EXPECT_TRUE(records.to_send().empty());
  const std::string answer = "HTTP/1.1 204 No Content\r\n\r\n";
  ASSERT_EQ(records.encrypt(pair.server(), answer, ""), TlsRecords::Encrypted::kDone);
  const std::string with_update = records.to_send();
  ASSERT_EQ(records.encrypt(pair.server(), answer, ""), TlsRecords::Encrypted::kDone);
  EXPECT_GT(with_update.size(), records.to_send().size());  // the KeyUpdate record
  // The client takes the update and reads both answers under the new keys.
  EXPECT_EQ(pair.client_receive(with_update + records.to_send()), answer + answer);
}

TEST(TlsRecords, ARenegotiationIsRefusedWithAnAlertToSend) {
  TlsPair pair(TLS1_2_VERSION);
  ASSERT_TRUE(pair.handshake());
  ASSERT_EQ(SSL_version(pair.server()), TLS1_2_VERSION);
  ASSERT_EQ(SSL_renegotiate(pair.client()), 1);
  SSL_do_handshake(pair.client());  // sends a ClientHello
  TlsRecords records;
  append(records.received(), pair.client_records());
  boost::beast::flat_buffer plain;
  error_code ec;
  records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec);
  EXPECT_EQ(plain.size(), 0u);
  // The refusal (a no_renegotiation alert) is written while reading: it is surfaced, not lost.
  ASSERT_FALSE(records.to_send().empty());
  EXPECT_EQ(static_cast<unsigned char>(records.to_send()[0]), 21);  // an alert record
  ERR_clear_error();
}

TEST(TlsRecords, CloseNotifyIsEndOfFileAndGarbageIsAnAbortedConnection) {
  {
    TlsPair pair;
    ASSERT_TRUE(pair.handshake());
    SSL_shutdown(pair.client());
    TlsRecords records;
    append(records.received(), pair.client_records());
    boost::beast::flat_buffer plain;
    error_code ec;
    EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
    EXPECT_EQ(ec, boost::asio::error::eof);
  }
  {
    TlsPair pair;
    ASSERT_TRUE(pair.handshake());
    TlsRecords records;
    append(records.received(), std::string("\x17\x03\x03\x00\x20", 5) + std::string(32, 'x'));
    boost::beast::flat_buffer plain;
    error_code ec;
    EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
    EXPECT_EQ(ec, boost::asio::error::connection_aborted);
    EXPECT_FALSE(records.failure().empty());
    EXPECT_EQ(ERR_peek_error(), 0u);  // nothing left in the thread's error queue
  }
}

TEST(TlsRecords, ARequestBeforeTheCloseNotifyIsStillDelivered) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  auto wire = pair.client_send("GET /last HTTP/1.1\r\n\r\n");
  SSL_shutdown(pair.client());
  wire += pair.client_records();
  TlsRecords records;
  append(records.received(), wire);
  boost::beast::flat_buffer plain;
  error_code ec;
  EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 22u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(records.decrypt(pair.server(), plain, kChunk, 4 * kChunk, ec), 0u);
  EXPECT_EQ(ec, boost::asio::error::eof);
}

TEST(TlsRecords, OutputTheEngineStillHoldsMakesTheCallerUseTheStream) {
  TlsPair pair;
  ASSERT_TRUE(pair.handshake());
  // Something the server wrote through its own BIO and asio has not sent yet.
  ASSERT_EQ(SSL_write(pair.server(), "x", 1), 1);
  TlsRecords records;
  EXPECT_EQ(records.encrypt(pair.server(), "HTTP/1.1 200 OK\r\n\r\n", ""),
            TlsRecords::Encrypted::kUseStream);
  EXPECT_TRUE(records.to_send().empty());
  // Once it has left, the records are ours again, in order.
  pair.carry_server_engine_to_client();
  EXPECT_EQ(pair.client_receive(""), "x");
  EXPECT_EQ(records.encrypt(pair.server(), "HTTP/1.1 200 OK\r\n\r\n", ""),
            TlsRecords::Encrypted::kDone);
  EXPECT_EQ(pair.client_receive(records.to_send()), "HTTP/1.1 200 OK\r\n\r\n");
}

TEST(BioSwap, TheSslObjectGetsItsOwnBiosBackAndTheReferencesBalance) {
  TlsPair pair;
  BIO* own_read = SSL_get_rbio(pair.server());
  BIO* own_write = SSL_get_wbio(pair.server());
  BIO* ours = BIO_new(BIO_s_mem());
  {
    BioSwap swap(pair.server(), ours, ours);
    EXPECT_EQ(SSL_get_rbio(pair.server()), ours);
    EXPECT_EQ(SSL_get_wbio(pair.server()), ours);
  }
  EXPECT_EQ(SSL_get_rbio(pair.server()), own_read);
  EXPECT_EQ(SSL_get_wbio(pair.server()), own_write);
  {
    BioSwap swap(pair.server(), nullptr, ours);  // one side only
    EXPECT_EQ(SSL_get_rbio(pair.server()), own_read);
    EXPECT_EQ(SSL_get_wbio(pair.server()), ours);
  }
  EXPECT_EQ(SSL_get_wbio(pair.server()), own_write);
  // Ours has exactly the caller's reference left: freeing it frees it (ASan sees a leak or a
  // double free otherwise), and the SSL object still works on its own BIOs.
  BIO_free(ours);
  EXPECT_TRUE(pair.handshake());
}

}  // namespace
}  // namespace sandbank::http
