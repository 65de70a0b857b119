// `sandbank inspect`: the request inspector's records read from the store on this machine.
#include <cstdio>

#include "app/commands.hpp"
#include "app/inspector.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace sandbank::app {

int run_inspect(const InspectOptions& options) {
  auto spec = store::is_postgres_spec(options.store) ? options.store
                                                     : (options.data_dir / "inspector.db").string();
  if (!store::is_postgres_spec(spec) && !std::filesystem::exists(spec)) {
    std::fprintf(stderr, "sandbank inspect: no inspector records in %s yet\n", spec.c_str());
    return 1;
  }
  auto repository = store::open_inspector_store(spec);
  store::InspectorQuery query;
  query.limit = options.last;
  if (!options.organisation.empty()) {
    query.organisation = options.organisation == "-" ? std::string() : options.organisation;
  }
  for (const auto& row : repository->list(query)) {
    if (options.format == "json") {
      std::printf("%s\n", row.record.c_str());
      continue;
    }
    std::printf("%s  %-22s %3d  %-6s %-50s %-32s %s\n", format_rfc3339(row.time).c_str(),
                row.organisation.empty() ? "(no certificate)" : row.organisation.c_str(),
                row.status, row.method.c_str(), row.path.substr(0, 50).c_str(),
                row.detail_code.empty() ? "-" : row.detail_code.c_str(), row.response_id.c_str());
  }
  return 0;
}

}  // namespace sandbank::app
