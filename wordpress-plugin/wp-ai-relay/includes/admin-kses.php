<?php
/**
 * The HTML the plugin's admin screens print from pieces they build themselves (a select, a number field, a small
 * form): escaped once more where it is printed, with wp_kses and this allowlist, so escaping stays late.
 *
 * @package wp-ai-relay
 */

defined( 'ABSPATH' ) || exit;

/** @return array<string, array<string, bool>> Tags and attributes for wp_kses. */
function ai_relay_allowed_form_html(): array {
	$common = array(
		'id'    => true,
		'class' => true,
		'name'  => true,
		'value' => true,
		'type'  => true,
	);
	return array(
		'form'   => array(
			'method' => true,
			'action' => true,
		),
		'input'  => $common + array(
			'min' => true,
			'max' => true,
		),
		'button' => $common,
		'select' => $common,
		'option' => array(
			'value'    => true,
			'selected' => true,
		),
	);
}
