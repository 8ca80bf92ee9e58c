#pragma once
// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over OpenSSL, for JSON Web Tokens: signing with a
// PEM private key (NAVER WORKS service accounts) and verifying with a PEM public key (the
// simulator's token endpoint). Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::common {

// "" when `pem` holds an RSA private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE
// KEY", unencrypted) of at least 2048 bits; otherwise why not (never the key's content).
std::string rsa_private_key_problem(std::string_view pem);

// The raw RS256 signature of `data`; nullopt when the key does not load.
std::optional<std::string> sign_rs256(std::string_view private_key_pem, std::string_view data);

// True when `signature` is a valid RS256 signature of `data` by the key of `public_key_pem`
// (a "PUBLIC KEY" PEM, or a certificate's).
bool verify_rs256(std::string_view public_key_pem, std::string_view data,
                  std::string_view signature);

// The PEM "PUBLIC KEY" of a private key PEM (tests and the simulator's setup).
std::optional<std::string> public_key_of(std::string_view private_key_pem);

// Base64url without padding (RFC 7515 §2), and back (nullopt on invalid input).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sesmon::common
