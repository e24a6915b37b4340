/**
 * "AI summary" panel in the block editor's document sidebar. Plain script on WordPress's globals: no build step.
 * The summary and the SEO description are editable: a change makes that text the editor's (the plugin records who
 * and when, and the relay no longer overwrites it), and "Hand back to the AI" returns it. Both are saved with the post.
 */
( function ( wp ) {
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var sprintf = wp.i18n.sprintf;
	// wp.editor has it since WordPress 6.6, where wp.editPost's became a deprecated alias; 6.1 to 6.5 have only that one.
	var PluginDocumentSettingPanel =
		( wp.editor && wp.editor.PluginDocumentSettingPanel ) || wp.editPost.PluginDocumentSettingPanel;

	function Owner( props ) {
		var user = wp.data.useSelect(
			function ( select ) {
				return select( 'core' ).getUser( props.userId );
			},
			[ props.userId ]
		);
		var name = user ? user.name : '#' + props.userId;
		var when = props.editedAt ? new Date( props.editedAt * 1000 ).toLocaleString() : '';
		return el(
			'div',
			{ className: 'ai-relay-summary-owner' },
			el(
				'p',
				{ className: 'description' },
				/* translators: 1: user's name, 2: date and time */
				sprintf( __( 'Written by %1$s, %2$s. The AI leaves it as it is.', 'wp-ai-relay' ), name, when )
			),
			el(
				wp.components.Button,
				{ variant: 'secondary', onClick: props.onHandBack },
				__( 'Hand back to the AI', 'wp-ai-relay' )
			)
		);
	}

	/**
	 * A result the site holds for review (includes/suggestions.php): Accept makes it the text (the editor's from then
	 * on), Reject drops it. Either is saved with the post.
	 */
	function Suggestion( props ) {
		var decide = function ( accept ) {
			var edit = {};
			edit[ props.field + '_suggestion' ] = '';
			if ( accept ) {
				edit[ props.field ] = props.text;
			}
			props.editPost( { meta: edit } );
		};
		return el(
			'div',
			{ className: 'ai-relay-suggestion', role: 'group', 'aria-label': props.label, style: { marginTop: '8px' } },
			el( 'p', { className: 'description' }, props.label ),
			el( 'blockquote', null, props.text ),
			el(
				wp.components.Button,
				{ variant: 'primary', onClick: function () { decide( true ); } },
				__( 'Accept', 'wp-ai-relay' )
			),
			' ',
			el(
				wp.components.Button,
				{ variant: 'secondary', onClick: function () { decide( false ); } },
				__( 'Reject', 'wp-ai-relay' )
			)
		);
	}

	/**
	 * One text the AI writes and an editor may make theirs: the field, then who owns it (with "Hand back to the AI")
	 * or the run that wrote it, and the AI's suggestion when one waits.
	 */
	function OwnedText( props ) {
		var meta = props.meta;
		var value = meta[ props.field ] || '';
		var editorId = meta[ props.field + '_editor' ] || 0;
		var suggestion = meta[ props.field + '_suggestion' ] || '';
		return el(
			'div',
			{ className: 'ai-relay-owned-text', style: { marginBottom: '16px' } },
			el( wp.components.TextareaControl, {
				label: props.label,
				help: value || suggestion ? props.help : __( 'None yet. One is written after the post is published.', 'wp-ai-relay' ),
				value: value,
				rows: props.rows,
				// The margin WordPress 6.7 and later use, without the deprecation notice; older versions ignore it.
				__nextHasNoMarginBottom: true,
				onChange: function ( next ) {
					var edit = {};
					edit[ props.field ] = next;
					props.editPost( { meta: edit } );
				},
			} ),
			editorId
				? el( Owner, {
						userId: editorId,
						editedAt: meta[ props.field + '_edited_at' ],
						onHandBack: function () {
							var edit = {};
							edit[ props.field + '_editor' ] = 0;
							props.editPost( { meta: edit } );
						},
				  } )
				: props.run && el( 'p', { className: 'description' }, __( 'Run:', 'wp-ai-relay' ) + ' ', el( 'code', null, props.run ) ),
			suggestion
				? el( Suggestion, {
						field: props.field,
						text: suggestion,
						label: props.suggestionLabel,
						editPost: props.editPost,
				  } )
				: null
		);
	}

	function SummaryPanel() {
		var meta = wp.data.useSelect( function ( select ) {
			return select( 'core/editor' ).getEditedPostAttribute( 'meta' ) || {};
		}, [] );
		var editPost = wp.data.useDispatch( 'core/editor' ).editPost;
		var description = meta.ai_relay_description || '';
		return el(
			PluginDocumentSettingPanel,
			{ name: 'ai-relay-summary', title: __( 'AI summary', 'wp-ai-relay' ) },
			el( OwnedText, {
				meta: meta,
				editPost: editPost,
				field: 'ai_relay_summary',
				label: __( 'Summary', 'wp-ai-relay' ),
				help: '',
				rows: 5,
				run: meta.ai_relay_summary_run || '',
				suggestionLabel: __( 'Suggested summary', 'wp-ai-relay' ),
			} ),
			el( OwnedText, {
				meta: meta,
				editPost: editPost,
				field: 'ai_relay_description',
				label: __( 'SEO description', 'wp-ai-relay' ),
				/* translators: %d: number of characters */
				help: sprintf( __( '%d of 155 characters. Copied to the SEO plugin unless an author wrote one there.', 'wp-ai-relay' ), description.length ),
				rows: 3,
				suggestionLabel: __( 'Suggested SEO description', 'wp-ai-relay' ),
			} )
		);
	}

	wp.plugins.registerPlugin( 'ai-relay-summary', { render: SummaryPanel, icon: null } );
} )( window.wp );
