#include "common/text_table.hpp"

#include <gtest/gtest.h>

namespace sesmon::common {
namespace {

TEST(text_table_test, columns_line_up_with_multibyte_text) {
    EXPECT_EQ(render_table({"ID", "VERSIONS", "OUTCOME"},
                           {{"a", "2140 \u2192 2150", "finished"}, {"bb", "2150", "-"}}),
              "ID  VERSIONS     OUTCOME\n"
              "a   2140 \u2192 2150  finished\n"
              "bb  2150         -\n");
}

}  // namespace
}  // namespace sesmon::common
