#pragma once

#include <string>

namespace sandbank::app {

// Sets up the process's loggers: "sandbank" for events and "access" for one line per
// request, both on standard output, as text or as one JSON object per line.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace sandbank::app
