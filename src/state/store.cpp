#include "state/store.hpp"

namespace sesmon::state {
namespace {

class category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "state store"; }
    std::string message(int value) const override {
        switch (static_cast<store_errc>(value)) {
            case store_errc::degraded:
                return "state store degraded: the write failed and is retried";
            case store_errc::slow:
                return "state store degraded: the write has not finished in time";
            case store_errc::closed:
                return "state store closed";
        }
        return "state store error";
    }
};

}  // namespace

const std::error_category& store_category() {
    static const category instance;
    return instance;
}

std::error_code make_error_code(store_errc e) {
    return {static_cast<int>(e), store_category()};
}

}  // namespace sesmon::state
