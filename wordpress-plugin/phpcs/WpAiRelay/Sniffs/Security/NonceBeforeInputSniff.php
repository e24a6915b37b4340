<?php
/**
 * Request input ($_POST, $_GET, $_REQUEST, $_FILES) is read only after the function it is read in has checked a
 * nonce, as WPCS's WordPress.Security.NonceVerification asks; a read anywhere else is an error.
 *
 * @package wp-ai-relay
 */

namespace WpAiRelay\Sniffs\Security;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;

/** Finds request input read before a nonce check in the same function. */
class NonceBeforeInputSniff implements Sniff {

	private const INPUT = array( '$_POST', '$_GET', '$_REQUEST', '$_FILES' );

	private const NONCE_CHECKS = array( 'check_admin_referer', 'check_ajax_referer', 'wp_verify_nonce' );

	/** @return array<int|string> */
	public function register() {
		return array( T_VARIABLE );
	}

	/**
	 * @param File $file The file being checked.
	 * @param int  $ptr  The variable token.
	 */
	public function process( File $file, $ptr ) {
		$tokens = $file->getTokens();
		if ( ! in_array( $tokens[ $ptr ]['content'], self::INPUT, true ) ) {
			return;
		}
		$function = $this->enclosing_function( $file, $ptr );
		if ( null !== $function && $this->nonce_checked_between( $file, $tokens[ $function ]['scope_opener'], $ptr ) ) {
			return;
		}
		$file->addError(
			'%s is read before a nonce check (check_admin_referer, check_ajax_referer or wp_verify_nonce) in this function',
			$ptr,
			// As WPCS names them: a read of $_GET may be a display flag, every other read is a form's data.
			'$_GET' === $tokens[ $ptr ]['content'] ? 'Recommended' : 'Missing',
			array( $tokens[ $ptr ]['content'] )
		);
	}

	private function enclosing_function( File $file, int $ptr ): ?int {
		$tokens = $file->getTokens();
		foreach ( array_reverse( $tokens[ $ptr ]['conditions'], true ) as $scope => $type ) {
			if ( T_FUNCTION === $type || T_CLOSURE === $type ) {
				return $scope;
			}
		}
		return null;
	}

	private function nonce_checked_between( File $file, int $from, int $to ): bool {
		$tokens = $file->getTokens();
		for ( $i = $from; $i < $to; $i++ ) {
			if ( T_STRING === $tokens[ $i ]['code'] && in_array( strtolower( $tokens[ $i ]['content'] ), self::NONCE_CHECKS, true ) ) {
				return true;
			}
		}
		return false;
	}
}
