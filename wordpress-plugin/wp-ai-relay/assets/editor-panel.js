/**
 * "AI summary" panel in the block editor's document sidebar. Plain script on WordPress's globals: no build step.
 */
( function ( wp ) {
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	// wp.editor has it since WordPress 6.6, where wp.editPost's became a deprecated alias; 6.1 to 6.5 have only that one.
	var PluginDocumentSettingPanel =
		( wp.editor && wp.editor.PluginDocumentSettingPanel ) || wp.editPost.PluginDocumentSettingPanel;

	function SummaryPanel() {
		var meta = wp.data.useSelect( function ( select ) {
			return select( 'core/editor' ).getEditedPostAttribute( 'meta' ) || {};
		}, [] );
		var summary = meta.ai_relay_summary || '';
		var run = meta.ai_relay_summary_run || '';
		return el(
			PluginDocumentSettingPanel,
			{ name: 'ai-relay-summary', title: __( 'AI summary', 'wp-ai-relay' ) },
			summary
				? el( 'p', { style: { whiteSpace: 'pre-wrap' } }, summary )
				: el( 'p', null, __( 'No summary yet. One is written after the post is published.', 'wp-ai-relay' ) ),
			run ? el( 'p', { className: 'description' }, __( 'Run:', 'wp-ai-relay' ) + ' ', el( 'code', null, run ) ) : null
		);
	}

	wp.plugins.registerPlugin( 'ai-relay-summary', { render: SummaryPanel, icon: null } );
} )( window.wp );
