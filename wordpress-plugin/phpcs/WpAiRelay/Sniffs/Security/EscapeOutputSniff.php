<?php
/**
 * Everything `echo`, `print`, `printf` and `vprintf` put out is escaped where it is printed, as WPCS's
 * WordPress.Security.EscapeOutput asks: each printed piece is a literal, a number, an integer cast or the result of
 * an escaping function; printf's format is a literal or escaped, and each of its arguments is escaped.
 *
 * @package wp-ai-relay
 */

namespace WpAiRelay\Sniffs\Security;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;
use PHP_CodeSniffer\Util\Tokens;

/** Finds output that is not escaped where it is printed. */
class EscapeOutputSniff implements Sniff {

	/** Functions whose result is safe to print as it is (WPCS's list, trimmed to what WordPress 6.1 has). */
	private const ESCAPING = array(
		'absint', 'intval', 'floatval', 'number_format_i18n', 'count',
		'esc_attr', 'esc_attr__', 'esc_attr_x', 'esc_html', 'esc_html__', 'esc_html_x', 'esc_js', 'esc_textarea',
		'esc_url', 'esc_url_raw', 'esc_xml', 'wp_kses', 'wp_kses_post', 'wp_kses_data', 'tag_escape',
		'checked', 'selected', 'disabled', 'wp_readonly', 'wp_nonce_field', 'get_submit_button', 'submit_button',
		'settings_fields', 'do_settings_sections', 'wp_json_encode',
	);

	/** Functions that keep their argument's escaping: safe when what they are given is. */
	private const PASS_THROUGH = array( 'nl2br', 'trim', 'implode', 'join', 'sprintf', 'wp_sprintf' );

	private const PRINTF = array( 'printf', 'vprintf' );

	/** @return array<int|string> */
	public function register() {
		return array( T_ECHO, T_PRINT, T_STRING );
	}

	/**
	 * @param File $file The file being checked.
	 * @param int  $ptr  The echo, print or function name token.
	 */
	public function process( File $file, $ptr ) {
		$tokens = $file->getTokens();
		if ( T_STRING === $tokens[ $ptr ]['code'] ) {
			$this->check_printf( $file, $ptr );
			return;
		}
		$end = $file->findEndOfStatement( $ptr );
		foreach ( $this->pieces( $file, $ptr + 1, $end ) as list( $start, $stop ) ) {
			$this->require_safe( $file, $start, $stop );
		}
	}

	private function check_printf( File $file, int $ptr ): void {
		$tokens = $file->getTokens();
		if ( ! in_array( strtolower( $tokens[ $ptr ]['content'] ), self::PRINTF, true ) ) {
			return;
		}
		$previous = $file->findPrevious( Tokens::$emptyTokens, $ptr - 1, null, true );
		if ( in_array( $tokens[ $previous ]['code'], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NS_SEPARATOR ), true ) ) {
			return;
		}
		$open = $file->findNext( Tokens::$emptyTokens, $ptr + 1, null, true );
		if ( T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] ) {
			return;
		}
		foreach ( $this->arguments( $file, $open ) as list( $start, $stop ) ) {
			foreach ( $this->pieces( $file, $start, $stop + 1 ) as list( $piece_start, $piece_stop ) ) {
				$this->require_safe( $file, $piece_start, $piece_stop );
			}
		}
	}

	/**
	 * The top-level arguments of the call whose parenthesis opens at $open, as [first, last] token pairs.
	 *
	 * @return list<array{int, int}>
	 */
	private function arguments( File $file, int $open ): array {
		$tokens    = $file->getTokens();
		$close     = $tokens[ $open ]['parenthesis_closer'];
		$arguments = array();
		$start     = $open + 1;
		for ( $i = $open + 1; $i <= $close; $i++ ) {
			if ( $i === $close || ( T_COMMA === $tokens[ $i ]['code'] && $this->depth( $tokens, $i ) === $this->depth( $tokens, $open ) + 1 ) ) {
				if ( null !== $file->findNext( Tokens::$emptyTokens, $start, $i, true ) ) {
					$arguments[] = array( $start, $i - 1 );
				}
				$start = $i + 1;
			} elseif ( isset( $tokens[ $i ]['parenthesis_closer'] ) && T_OPEN_PARENTHESIS === $tokens[ $i ]['code'] ) {
				$i = $tokens[ $i ]['parenthesis_closer'];
			} elseif ( isset( $tokens[ $i ]['bracket_closer'] ) ) {
				$i = $tokens[ $i ]['bracket_closer'];
			}
		}
		return $arguments;
	}

	/**
	 * What is printed between $from and $to (exclusive): split at top-level `.` and `,`, and for `a ? b : c` only b
	 * and c count (the condition is not printed).
	 *
	 * @return list<array{int, int}>
	 */
	private function pieces( File $file, int $from, int $to ): array {
		$tokens = $file->getTokens();
		$pieces = array();
		$start  = $from;
		for ( $i = $from; $i <= $to; $i++ ) {
			$code = $i < $to ? $tokens[ $i ]['code'] : T_SEMICOLON;
			if ( in_array( $code, array( T_STRING_CONCAT, T_COMMA, T_INLINE_ELSE, T_SEMICOLON, T_CLOSE_TAG ), true ) ) {
				if ( $i > $start ) {
					$pieces[] = array( $start, $i - 1 );
				}
				$start = $i + 1;
			} elseif ( T_INLINE_THEN === $code ) {
				// Whatever came since the last piece was the condition.
				$start = $i + 1;
			} elseif ( T_OPEN_PARENTHESIS === $code && isset( $tokens[ $i ]['parenthesis_closer'] ) ) {
				$i = $tokens[ $i ]['parenthesis_closer'];
			} elseif ( isset( $tokens[ $i ]['bracket_closer'] ) ) {
				$i = $tokens[ $i ]['bracket_closer'];
			}
		}
		return $pieces;
	}

	private function require_safe( File $file, int $start, int $stop ): void {
		if ( ! $this->is_safe( $file, $start, $stop ) ) {
			$first = $file->findNext( Tokens::$emptyTokens, $start, $stop + 1, true );
			$last  = $file->findPrevious( Tokens::$emptyTokens, $stop, $first - 1, true );
			$file->addError(
				'Output not escaped where it is printed: %s',
				$first,
				'OutputNotEscaped',
				array( $file->getTokensAsString( $first, $last - $first + 1 ) )
			);
		}
	}

	private function is_safe( File $file, int $start, int $stop ): bool {
		$tokens = $file->getTokens();
		$first  = $file->findNext( Tokens::$emptyTokens, $start, $stop + 1, true );
		if ( false === $first ) {
			return true;
		}
		$last = $file->findPrevious( Tokens::$emptyTokens, $stop, $first - 1, true );
		$code = $tokens[ $first ]['code'];
		if ( $first === $last && in_array( $code, array( T_CONSTANT_ENCAPSED_STRING, T_LNUMBER, T_DNUMBER, T_TRUE, T_FALSE, T_NULL ), true ) ) {
			return true;
		}
		if ( in_array( $code, array( T_INT_CAST, T_DOUBLE_CAST, T_BOOL_CAST ), true ) ) {
			return true;
		}
		if ( T_OPEN_PARENTHESIS === $code && $tokens[ $first ]['parenthesis_closer'] === $last ) {
			foreach ( $this->pieces( $file, $first + 1, $last ) as list( $a, $b ) ) {
				if ( ! $this->is_safe( $file, $a, $b ) ) {
					return false;
				}
			}
			return true;
		}
		if ( T_STRING !== $code ) {
			return false;
		}
		$open = $file->findNext( Tokens::$emptyTokens, $first + 1, null, true );
		if ( T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] || $tokens[ $open ]['parenthesis_closer'] !== $last ) {
			return false;
		}
		$name = strtolower( $tokens[ $first ]['content'] );
		if ( in_array( $name, self::ESCAPING, true ) ) {
			return true;
		}
		if ( ! in_array( $name, self::PASS_THROUGH, true ) ) {
			return false;
		}
		foreach ( $this->arguments( $file, $open ) as list( $a, $b ) ) {
			foreach ( $this->pieces( $file, $a, $b + 1 ) as list( $c, $d ) ) {
				if ( ! $this->is_safe( $file, $c, $d ) ) {
					return false;
				}
			}
		}
		return true;
	}

	/** @param array<int, array<string, mixed>> $tokens */
	private function depth( array $tokens, int $ptr ): int {
		return count( $tokens[ $ptr ]['nested_parenthesis'] ?? array() );
	}
}
