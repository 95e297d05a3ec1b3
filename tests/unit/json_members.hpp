// A JSON object kept as an ordered list of members with their raw JSON values, so a test can
// replace, add or remove one member of a valid message and check what the decoder says.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn::test {

class json_members {
public:
    json_members(std::initializer_list<std::pair<std::string, std::string>> members)
        : members_(members) {}

    // Replaces the member's raw value, or appends the member.
    json_members& set(const std::string& name, const std::string& raw) {
        const auto it = find(name);
        if (it == members_.end()) {
            members_.emplace_back(name, raw);
        } else {
            it->second = raw;
        }
        return *this;
    }
    json_members& erase(const std::string& name) {
        const auto it = find(name);
        if (it != members_.end()) {
            members_.erase(it);
        }
        return *this;
    }
    // Appends the member even when it is already there (for duplicate-member tests).
    json_members& append(const std::string& name, const std::string& raw) {
        members_.emplace_back(name, raw);
        return *this;
    }

    std::string json() const {
        std::string out = "{";
        for (const auto& [name, raw] : members_) {
            if (out.size() > 1) {
                out += ',';
            }
            out += '"' + name + "\":" + raw;
        }
        return out + "}";
    }

private:
    std::vector<std::pair<std::string, std::string>>::iterator find(const std::string& name) {
        return std::find_if(members_.begin(), members_.end(),
                            [&](const auto& m) { return m.first == name; });
    }
    std::vector<std::pair<std::string, std::string>> members_;
};

}  // namespace p2pcdn::test
