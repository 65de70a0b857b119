#pragma once

// A GoogleTest suite over one `sandbank serve` of its own, started before the suite's first
// test and stopped after its last.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/guide_calls.hpp"
#include "support/sandbank_server.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {

// `class MyTest : public ServerSuite<MyTest>`: tmp_ is a fresh directory, server_ serves over
// tmp_/data (with MyTest::serve_args() when the suite declares one), guide_ calls it as the
// pre-registered application. A suite that needs more set-up defines its own SetUpTestSuite and
// calls ServerSuite<MyTest>::SetUpTestSuite() first (and TearDownTestSuite likewise, last).
template <typename Suite>
class ServerSuite : public ::testing::Test {
 public:
  static std::vector<std::string> serve_args() { return {}; }

  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("server");
    server_ = std::make_unique<SandbankServer>(tmp_->path() / "data", Suite::serve_args());
    server_->start();
    guide_ = std::make_unique<GuideClient>(*server_, tmp_->path());
  }
  // Stops the suite's server and starts another over the same data directory with `args`.
  static void restart_server(std::vector<std::string> args = {}) {
    auto data = server_->data_dir();
    guide_.reset();
    server_.reset();
    server_ = std::make_unique<SandbankServer>(data, std::move(args));
    server_->start();
    guide_ = std::make_unique<GuideClient>(*server_, tmp_->path());
  }
  static void TearDownTestSuite() {
    guide_.reset();
    server_.reset();
    tmp_.reset();
  }

 protected:
  static inline std::unique_ptr<TempDir> tmp_;
  static inline std::unique_ptr<SandbankServer> server_;
  static inline std::unique_ptr<GuideClient> guide_;
};

}  // namespace sandbank::testing
